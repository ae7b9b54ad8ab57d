const express = require("express");

const app = express();
const todos = [{id: 1, title: "ship smaller images"}];
app.get("/health", (req, res) => res.type("text").send("ok\n"));
app.get("/todos", (req, res) => res.json(todos));
app.listen(Number(process.env.PORT || 3001), () => console.log("todo-api listening"));
