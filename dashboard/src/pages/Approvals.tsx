// The approvals inbox: the tasks assigned to the signed-in user (or their roles), approved with a comment and the
// stage's form (rendered from its JSON Schema), or rejected with a reason.
import { type FormEvent, useState } from "react";
import { type Form, type Page, type Task, type Workflow, api, qs } from "../api.js";
import { type FormValues, type JsonSchema, SchemaForm, formData } from "../SchemaForm.js";
import { Link } from "../router.js";
import { Empty, ErrorMessage, Loaded, useLoad, when } from "../ui.js";

export function Approvals() {
  const [load, reload] = useLoad("tasks:mine", () => api<Page<Task>>("GET", `/tasks${qs({ mine: true })}`));
  return (
    <>
      <h1>Approvals</h1>
      <p className="muted">
        Tasks waiting on you. See also <Link to="/runs">every run</Link>.
      </p>
      <Loaded load={load} what="your tasks">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>Nothing waits on you.</Empty>
          ) : (
            <ul className="cards">
              {data.map((t) => (
                <TaskCard key={t.id} task={t} onDone={reload} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

/** The JSON Schema of the form the task's stage asks for, or null when it asks for none. */
async function stageForm(task: Task): Promise<{ name: string; schema: JsonSchema } | null> {
  const workflow = await api<Workflow>("GET", `/workflows/${task.workflow.id}`);
  const form = workflow.stages.find((s) => s.name === task.stage)?.form;
  if (!form) return null;
  const forms = await api<Page<Form>>("GET", `/organizations/${task.organization_id}/forms`);
  const found = forms.data.find((f) => f.name === form);
  return found ? { name: found.name, schema: found.schema as JsonSchema } : null;
}

function TaskCard({ task, onDone }: { task: Task; onDone: () => void }) {
  const [form] = useLoad(`form:${task.id}`, () => stageForm(task));
  const [values, setValues] = useState<FormValues>({});
  const [comment, setComment] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (how: "approve" | "reject") => {
    setError(null);
    setBusy(true);
    try {
      if (how === "approve") {
        const schema = form.state === "done" && form.value ? form.value.schema : null;
        await api("POST", `/tasks/${task.id}/approve`, {
          ...(comment ? { comment } : {}),
          ...(schema ? { form_data: formData(schema, values) } : {}),
        });
      } else await api("POST", `/tasks/${task.id}/reject`, { reason: comment });
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const approve = (e: FormEvent) => {
    e.preventDefault();
    void decide("approve");
  };
  const id = `comment-${task.id}`;
  return (
    <li className="card">
      <h2>
        {task.workflow.name}: {task.stage}
      </h2>
      <p className="muted">
        {task.subject ? `About ${task.subject} · ` : ""}since {when(task.created_at)}
        {task.overdue ? " · overdue" : ""} · <Link to={`/runs/${task.run_id}`}>the run</Link>
      </p>
      <form onSubmit={approve} aria-label={`Decide ${task.workflow.name}: ${task.stage}`}>
        {form.state === "done" && form.value ? (
          <SchemaForm
            schema={form.value.schema}
            values={values}
            onChange={setValues}
            id={`form-${task.id}`}
            legend={`Form: ${form.value.name} (* required to approve)`}
          />
        ) : form.state === "error" ? (
          <ErrorMessage error={form.error} />
        ) : null}
        <label htmlFor={id}>Comment (a rejection needs one)</label>
        <textarea id={id} value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
        <div className="actions">
          <button type="submit" disabled={busy || form.state === "loading"}>
            Approve
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy || comment.trim() === ""}
            onClick={() => void decide("reject")}
          >
            Reject
          </button>
        </div>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
    </li>
  );
}
