// The instance's users (an instance admin's page: the API refuses anyone else, and the page says why).
import { api, qs } from "../api.js";
import { Empty, Loaded, useLoad, when } from "../ui.js";

interface User {
  id: string;
  email_addresses: { email_address: string }[];
  created_at: number;
}

export function Users() {
  const [load] = useLoad("users", () => api<User[]>("GET", `/users${qs({ limit: 100 })}`));
  return (
    <>
      <h1>Users</h1>
      <Loaded load={load} what="users">
        {(users) =>
          users.length === 0 ? (
            <Empty>No users yet.</Empty>
          ) : (
            <table>
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">E-mail</th>
                  <th scope="col">Id</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email_addresses[0]?.email_address ?? ""}</td>
                    <td>
                      <code>{u.id}</code>
                    </td>
                    <td>{when(u.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </>
  );
}
