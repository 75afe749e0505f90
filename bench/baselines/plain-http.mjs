// The trivial handler in a plain Node.js http server: the physical limit of this machine.
import { createServer } from 'node:http';

const handler = async () => ({ ok: true });

const server = createServer(async (req, res) => {
  req.resume();
  const result = await handler();
  const body = JSON.stringify(result);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}`);
});
