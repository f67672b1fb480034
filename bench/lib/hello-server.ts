/**
 * The baseline of bench/http.ts: a bare Express 5 hello-world (one JSON route, nothing else), run
 * as its own process like the real server so both get the same share of the machine.
 * Run: PORT=3999 npx tsx bench/lib/hello-server.ts
 */
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(Number(process.env.PORT ?? 3999), '127.0.0.1', () => console.log('hello-world listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
