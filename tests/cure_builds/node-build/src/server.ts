// A status board: /health answers ok, anything else the uptime.
declare const require: any;
declare const process: any;
const http = require("http");

const started = Date.now();
const server = http.createServer((req: any, res: any) => {
  const body = req.url === "/health" ? "ok\n" : `up for ${Math.round((Date.now() - started) / 1000)} s\n`;
  res.writeHead(200, {"Content-Type": "text/plain"});
  res.end(body);
});
server.listen(Number(process.env.PORT || 3000), "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
