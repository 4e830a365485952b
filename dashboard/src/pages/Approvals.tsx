// The approvals inbox: the tasks assigned to the signed-in user, approved or rejected with a comment.
import { useState } from "react";
import { type Page, type Task, api, qs } from "../api.js";
import { Empty, ErrorMessage, Loaded, useLoad, when } from "../ui.js";

export function Approvals() {
  const [load, reload] = useLoad("tasks:mine", () => api<Page<Task>>("GET", `/tasks${qs({ mine: true })}`));
  return (
    <>
      <h1>Approvals</h1>
      <p className="muted">Tasks waiting on you.</p>
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

function TaskCard({ task, onDone }: { task: Task; onDone: () => void }) {
  const [comment, setComment] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (how: "approve" | "reject") => {
    setError(null);
    setBusy(true);
    try {
      if (how === "approve") await api("POST", `/tasks/${task.id}/approve`, comment ? { comment } : {});
      else await api("POST", `/tasks/${task.id}/reject`, { reason: comment });
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const id = `comment-${task.id}`;
  return (
    <li className="card">
      <h2>
        {task.workflow.name}: {task.stage}
      </h2>
      <p className="muted">
        {task.subject ? `About ${task.subject} · ` : ""}since {when(task.created_at)}
        {task.overdue ? " · overdue" : ""}
      </p>
      <label htmlFor={id}>Comment (a rejection needs one)</label>
      <textarea id={id} value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void decide("approve")}>
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
      {error ? <ErrorMessage error={error} /> : null}
    </li>
  );
}
