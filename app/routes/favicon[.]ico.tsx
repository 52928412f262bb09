// Browsers ask for /favicon.ico on every page; answer it instead of logging a routing error each time.
export const loader = () => new Response(null, { status: 204, headers: { "Cache-Control": "public, max-age=86400" } });
