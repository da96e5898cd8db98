/**
 * What Node's own HTTP server costs a post, and nothing else: it reads each body, parses its JSON
 * and answers `{"success":true}` on keep-alive connections, storing nothing. bench:peers runs it
 * beside saba and its peers, so a CPU-per-post target can be read against what any server built on
 * `node:http` pays before it does any work. Listens on 127.0.0.1:$PORT.
 */
import { createServer } from 'node:http';

const ANSWER = '{"success":true}';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length });
      res.end(ANSWER);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"invalid JSON"}}');
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
