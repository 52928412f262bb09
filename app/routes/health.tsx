// Liveness check, and the trivial baseline route the ingest benchmark compares webhooks against.
export const loader = () => new Response("ok", { headers: { "content-type": "text/plain" } });
export const action = loader;
