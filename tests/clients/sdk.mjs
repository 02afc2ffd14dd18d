// The OpenCode JS SDK (@opencode-ai/sdk, pinned in package.json) against an
// OpenWork host's /opencode proxy, the way an SDK user connects to it:
// `createOpencodeClient({ baseUrl: "<host>/opencode", headers: { Authorization:
// "Bearer <token>" } })`. Run by crates/openwork-cli/tests/real_clients.rs.
//
//   node sdk.mjs v1|v2 BASE_URL TOKEN FILE EXPECTED_CONTENT REPLY
//
// Subscribes to events, creates a session, prompts it (model stub/stub-model,
// asynchronously), follows the event stream until the reply REPLY is there and
// the session is idle, checks the stored messages, reads FILE of the workspace
// (its content must be EXPECTED_CONTENT), deletes the session. Prints one JSON
// line per step ({"step", "ok", ...}; a failed step has the HTTP status and
// body) and exits 0 only if every step worked.
const [version, baseUrl, token, file, expectedContent, reply] = process.argv.slice(2);
if (!["v1", "v2"].includes(version) || !reply) {
  console.error("usage: node sdk.mjs v1|v2 BASE_URL TOKEN FILE EXPECTED_CONTENT REPLY");
  process.exit(64);
}
const { createOpencodeClient } = await import(version === "v1" ? "@opencode-ai/sdk" : "@opencode-ai/sdk/v2");
const client = createOpencodeClient({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
const model = { providerID: "stub", modelID: "stub-model" };
const deadlineMs = Number(process.env.SDK_DEADLINE_MS ?? 120000);
let current = "start";

function out(line) {
  process.stdout.write(JSON.stringify(line) + "\n");
}
function fail(detail) {
  out({ step: current, ok: false, ...detail });
  process.exit(1);
}
// A deadline for the whole run (far above what it takes): a hung step is
// reported by name instead of hanging the test.
setTimeout(() => fail({ error: `deadline of ${deadlineMs} ms passed` }), deadlineMs).unref();

// An SDK call's result: data, or a failed step with the status and body.
async function must(step, call) {
  current = step;
  let result;
  try {
    result = await call();
  } catch (e) {
    fail({ error: String(e?.stack ?? e) });
  }
  const status = result?.response?.status;
  if (result?.error !== undefined || result?.data === undefined) {
    fail({ status, body: result?.error ?? null });
  }
  out({ step, ok: true, status });
  return result.data;
}

// 1. The event stream, before anything happens. The SDK retries a failed
// stream forever by default; here a failure is reported.
current = "event.subscribe";
const sseErrors = [];
const sseOptions = {
  sseMaxRetryAttempts: 2,
  sseDefaultRetryDelay: 200,
  onSseError: (e) => sseErrors.push(String(e?.message ?? e)),
};
const subscription = version === "v1" ? await client.event.subscribe(sseOptions) : await client.event.subscribe(undefined, sseOptions);
const waiters = [];
const events = [];
let streamEnded = false;
(async () => {
  try {
    for await (const event of subscription.stream) {
      events.push(event);
      for (const w of [...waiters]) w();
    }
  } catch (e) {
    sseErrors.push(String(e?.message ?? e));
  }
  streamEnded = true;
  for (const w of [...waiters]) w();
})();
// Wait until `test` holds for the events seen so far.
async function until(step, test) {
  current = step;
  while (!test()) {
    if (streamEnded) fail({ error: "the event stream ended", sseErrors, seen: events.map((e) => e?.type) });
    await new Promise((resolve) => waiters.push(resolve));
    waiters.length = 0;
  }
}
await until("event.subscribe", () => events.some((e) => e?.type === "server.connected"));
out({ step: "event.subscribe", ok: true, first: events[0]?.type });

// 2. A session.
const session =
  version === "v1"
    ? await must("session.create", () => client.session.create({ body: { title: "sdk " + version } }))
    : await must("session.create", () => client.session.create({ title: "sdk " + version }));
const id = session.id;
if (typeof id !== "string" || !id.startsWith("ses_")) fail({ error: "no session id", session });

// 3. A prompt, answered by the stub model, followed on the event stream.
const parts = [{ type: "text", text: `Hello from the ${version} SDK` }];
if (version === "v1") {
  await must("session.promptAsync", () => client.session.promptAsync({ path: { id }, body: { model, parts } }));
} else {
  await must("session.promptAsync", () => client.session.promptAsync({ sessionID: id, model, parts }));
}
const ofSession = (e) => {
  const p = e?.properties ?? {};
  return p.sessionID === id || p.info?.sessionID === id || p.part?.sessionID === id;
};
const text = () =>
  events
    .filter(ofSession)
    .map((e) => (e.type === "message.part.updated" ? e.properties.part?.text ?? "" : e.type === "message.part.delta" ? e.properties.delta ?? "" : ""))
    .join("");
const idle = (e) =>
  ofSession(e) && (e.type === "session.idle" || (e.type === "session.status" && e.properties.status?.type === "idle"));
await until("events: reply", () => text().includes(reply));
await until("events: idle", () => events.some(idle));
out({ step: "events", ok: true, types: [...new Set(events.filter(ofSession).map((e) => e.type))] });

// 4. The stored reply.
const messages =
  version === "v1"
    ? await must("session.messages", () => client.session.messages({ path: { id } }))
    : await must("session.messages", () => client.session.messages({ sessionID: id }));
const stored = messages
  .filter((m) => m.info?.role === "assistant")
  .flatMap((m) => m.parts ?? [])
  .filter((p) => p.type === "text")
  .map((p) => p.text)
  .join("");
if (!stored.includes(reply)) fail({ error: "the stored assistant message lacks the reply", stored });

// 5. A file of the workspace.
const content =
  version === "v1"
    ? await must("file.read", () => client.file.read({ query: { path: file } }))
    : await must("file.read", () => client.file.read({ path: file }));
if (content?.content !== expectedContent) fail({ error: "unexpected file content", content });

// 6. Delete the session; it is gone afterwards.
if (version === "v1") {
  await must("session.delete", () => client.session.delete({ path: { id } }));
} else {
  await must("session.delete", () => client.session.delete({ sessionID: id }));
}
current = "session.get after delete";
const gone = version === "v1" ? await client.session.get({ path: { id } }) : await client.session.get({ sessionID: id });
if (gone.data !== undefined) fail({ error: "the deleted session is still there", status: gone.response?.status });
out({ step: current, ok: true, status: gone.response?.status });

out({ done: true, version });
process.exit(0);
