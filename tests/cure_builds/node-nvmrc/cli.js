#!/usr/bin/env node
// Counts the words of the files given (or of words.txt).
const fs = require("fs");
const argv = require("minimist")(process.argv.slice(2));
const files = argv._.length ? argv._ : ["words.txt"];
for (const file of files) {
  const words = fs.readFileSync(file, "utf8").split(/\s+/).filter(Boolean);
  console.log(`${file}: ${words.length} words`);
}
