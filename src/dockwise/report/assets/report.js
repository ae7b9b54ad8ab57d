/* dockwise report page: draws the embedded --format json document (docs/html-report.md). */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var S = JSON.parse(document.getElementById("report-sources").textContent);
  var app = document.getElementById("app");
  var IMG = D.image || null;

  /* -- helpers ------------------------------------------------------------------------ */
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "cls") node.className = v;
        else if (k === "style") node.setAttribute("style", v);
        else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v);
      });
    }
    (kids || []).forEach(function (kid) {
      if (kid === null || kid === undefined) return;
      node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
    });
    return node;
  }
  /* the same convention as dockwise's units.py: binary units, one decimal, whole bytes below 1 KiB */
  function bytes(n) {
    var units = ["B", "KiB", "MiB", "GiB"], size = n;
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(size) < 1024 || i === units.length - 1) return i === 0 ? Math.round(size) + " B" : size.toFixed(1) + " " + units[i];
      size /= 1024;
    }
  }
  function pct(x) { return (x * 100).toFixed(2) + "%"; }
  function section(id, title, kids) { return el("section", { id: id }, [el("h2", { text: title })].concat(kids)); }
  function layerColor(index, count) {
    if (!index) return "#c9ced8";
    var hue = (index * 137.508) % 360;
    return "hsl(" + hue.toFixed(0) + ",58%," + (index % 2 ? 68 : 58) + "%)";
  }
  var tip = el("div", { cls: "tip" });
  document.body.appendChild(tip);
  function tipFor(node, text) {
    node.addEventListener("mousemove", function (e) {
      tip.textContent = text; tip.style.display = "block";
      tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 540) + "px"; tip.style.top = (e.clientY + 14) + "px";
    });
    node.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  }
  function layerName(layers, index) {
    var l = layers[index - 1];
    if (!l) return "layer " + index;
    return "layer " + index + (l.dockerfile_line ? " (line " + l.dockerfile_line + ")" : "");
  }
  function layerStep(l) {
    if (l.instruction) return l.instruction;
    if (l.base_image) return "(base image" + (IMG && IMG.base_image ? " " + IMG.base_image : "") + ")";
    return (l.created_by || "").replace(/\s+/g, " ");
  }

  /* -- header ------------------------------------------------------------------------- */
  function header() {
    var kind = IMG ? "image" : D.context ? "context" : "check";
    var title = IMG ? (D.files[0] || "image") : D.context ? D.context.directory : (D.files.length + " file(s)");
    var kids = [el("h1", { text: "dockwise " + kind + ": " + title }),
                el("div", { cls: "sub", text: "dockwise " + D.version + (IMG ? " \u00b7 " + IMG.kind + " " + IMG.os + "/" + IMG.architecture + " \u00b7 " + IMG.digest : "") })];
    if (IMG) {
      var entry = (IMG.entrypoint || []).concat(IMG.cmd || []);
      kids.push(el("div", { cls: "metrics" }, [
        metric("total_bytes", "total (all layers)", IMG.total_bytes),
        metric("compressed_bytes", "compressed (as stored)", IMG.compressed_bytes),
        metric("final_bytes", "final filesystem", IMG.final_bytes),
        metric("reclaimable_bytes", "reclaimable", IMG.reclaimable_bytes, IMG.reclaimable_bytes > 0),
        metric("efficiency", "efficiency", IMG.efficiency, IMG.efficiency < 0.95, pct(IMG.efficiency)),
        metric("layers", "layers", IMG.layers.length, false, String(IMG.layers.length)),
        metric("user", "user", IMG.user, !IMG.user || IMG.user === "root" || IMG.user === "0", IMG.user || "root (unset)", true),
        metric("entrypoint", "entrypoint + cmd", entry.join(" "), false, entry.length ? JSON.stringify(entry) : "(none)", true),
        metric("base_image", "base image", IMG.base_image || "", false, IMG.base_image || "(pass --dockerfile)", true)
      ]));
      if (IMG.gates.length) {
        kids.push(el("div", { cls: "gates" }, IMG.gates.map(function (g) {
          return el("span", { cls: "pill " + (g.passed ? "pass" : "fail"), "data-gate": g.name,
                              text: (g.passed ? "PASS " : "FAIL ") + g.name + ": " + g.actual + " (limit " + g.limit + ")" });
        })));
      }
    } else {
      var counts = {};
      D.findings.forEach(function (f) { counts[f.severity] = (counts[f.severity] || 0) + 1; });
      kids.push(el("div", { cls: "metrics" }, [
        metric("files", "files", D.files.length, false, String(D.files.length)),
        metric("findings", "findings", D.findings.length, D.findings.length > 0, String(D.findings.length)),
        metric("errors", "errors", (counts.error || 0), (counts.error || 0) > 0, String(counts.error || 0)),
        metric("warnings", "warnings", (counts.warning || 0), false, String(counts.warning || 0))
      ]));
    }
    return el("header", null, kids);
  }
  function metric(key, label, value, bad, shown, small) {
    var text = shown !== undefined ? shown : bytes(value);
    var title = typeof value === "number" && shown === undefined ? value.toLocaleString("en") + " bytes" : String(text);
    return el("div", { cls: "metric" + (bad ? " bad" : ""), "data-metric": key, "data-value": String(value), title: title },
              [el("div", { cls: "k", text: label }), el("div", { cls: "v" + (small ? " small" : ""), text: text })]);
  }

  /* -- layers ------------------------------------------------------------------------- */
  function layersSection() {
    var max = Math.max.apply(null, IMG.layers.map(function (l) { return l.total_bytes; }).concat([1]));
    var rows = IMG.layers.map(function (l) {
      var width = 100 * l.total_bytes / max;
      var waste = l.total_bytes ? 100 * l.reclaimable_bytes / l.total_bytes : 0;
      var bar = el("div", { cls: "bar" }, [
        el("div", { cls: "fill", style: "width:" + width.toFixed(3) + "%;background:" + layerColor(l.index, IMG.layers.length) }, [
          el("div", { cls: "waste", style: "right:0;width:" + waste.toFixed(3) + "%" })]),
        el("div", { cls: "label", text: (l.dockerfile_line ? "line " + l.dockerfile_line + ": " : "") + layerStep(l) })]);
      var row = el("div", { cls: "layer", "data-index": String(l.index), "data-bytes": String(l.total_bytes),
                            "data-reclaimable": String(l.reclaimable_bytes), "data-line": l.dockerfile_line ? String(l.dockerfile_line) : null,
                            onclick: function () { showLine(l.dockerfile_line); } }, [
        el("div", { cls: "idx", text: String(l.index) }), bar,
        el("div", { cls: "num", text: bytes(l.total_bytes) }),
        el("div", { cls: "num w", text: l.reclaimable_bytes ? bytes(l.reclaimable_bytes) + " \u2718" : "" })]);
      tipFor(row, "layer " + l.index + ": " + bytes(l.total_bytes) + " written (" + l.total_bytes + " bytes), " +
             bytes(l.reclaimable_bytes) + " hidden later, " + bytes(l.hidden_bytes) + " of earlier layers hidden here; +" +
             l.files_added + " ~" + l.files_changed + " -" + l.files_removed + "; stored " + bytes(l.compressed_bytes) +
             " (" + l.compression + ")\n" + layerStep(l));
      return row;
    });
    return section("layers", "Layers (bar: bytes written; hatched: bytes a later layer deleted or overwrote)",
                   [el("div", { cls: "panel" }, rows)]);
  }

  /* -- Dockerfile with its cost gutter -------------------------------------------------- */
  var dockerfileRows = {};
  function showLine(line) {
    var row = line && dockerfileRows[line];
    if (!row) return;
    row.scrollIntoView({ block: "center" });
    row.classList.add("hl");
    setTimeout(function () { row.classList.remove("hl"); }, 1600);
  }
  function sourceName() {
    var names = D.files.filter(function (f) { return Object.prototype.hasOwnProperty.call(S, f); });
    return IMG ? (names.filter(function (f) { return f !== D.files[0]; })[0] || null) : null;
  }
  function spansByLine(findings, lineCount, lines) {
    var spans = {};
    findings.forEach(function (f) {
      if (!f.line) return;
      var last = Math.min(f.end_line || f.line, lineCount);
      for (var n = f.line; n <= last; n++) {
        var text = lines[n - 1] || "";
        var start = n === f.line && f.column ? f.column - 1 : 0;
        var end = n === last && f.end_column && (f.end_line || f.line) === n ? f.end_column - 1 : text.length;
        if (end <= start) end = Math.min(text.length, start + 1);
        (spans[n] = spans[n] || []).push([start, end, f.severity]);
      }
    });
    return spans;
  }
  function markedLine(text, spans) {
    if (!spans || !spans.length) return [text || "\u00a0"];
    var cuts = {};
    spans.forEach(function (s) { cuts[s[0]] = 1; cuts[s[1]] = 1; });
    var points = [0, text.length].concat(Object.keys(cuts).map(Number)).filter(function (p) { return p >= 0 && p <= text.length; });
    points = points.filter(function (p, i) { return points.indexOf(p) === i; }).sort(function (a, b) { return a - b; });
    var out = [];
    for (var i = 0; i + 1 < points.length; i++) {
      var a = points[i], b = points[i + 1], piece = text.slice(a, b);
      var cover = spans.filter(function (s) { return s[0] <= a && s[1] >= b; });
      if (!cover.length) { out.push(piece); continue; }
      var severe = cover.some(function (s) { return s[2] === "error"; });
      out.push(el("mark", { cls: severe ? "error" : "", text: piece }));
    }
    if (!out.length) out.push("\u00a0");
    return out;
  }
  function dockerfileSection(name) {
    var lines = S[name].split("\n");
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    var added = {}, hidden = {};
    IMG.layers.forEach(function (l) {
      if (!l.dockerfile_line) return;
      added[l.dockerfile_line] = (added[l.dockerfile_line] || 0) + l.total_bytes;
      hidden[l.dockerfile_line] = (hidden[l.dockerfile_line] || 0) + l.reclaimable_bytes;
    });
    var mine = D.findings.filter(function (f) { return f.file === name && f.line; });
    var spans = spansByLine(mine, lines.length, lines);
    var byLastLine = {};
    mine.forEach(function (f) { var n = Math.min(f.end_line || f.line, lines.length); (byLastLine[n] = byLastLine[n] || []).push(f); });
    var body = el("tbody");
    lines.forEach(function (text, i) {
      var n = i + 1;
      var row = el("tr", { "data-line": String(n), "data-added": added[n] ? String(added[n]) : null, "data-hidden": hidden[n] ? String(hidden[n]) : null }, [
        el("td", { cls: "g add", title: added[n] ? added[n] + " bytes written by this line's layer(s)" : null, text: added[n] !== undefined ? "+" + bytes(added[n]) : "" }),
        el("td", { cls: "g hid", title: hidden[n] ? hidden[n] + " bytes of this line a later line deleted or overwrote" : null, text: hidden[n] ? "\u2718" + bytes(hidden[n]) : "" }),
        el("td", { cls: "ln", text: String(n) }),
        el("td", { cls: "code" }, markedLine(text, spans[n]))]);
      dockerfileRows[n] = row;
      body.appendChild(row);
      (byLastLine[n] || []).forEach(function (f) {
        body.appendChild(el("tr", { cls: "msg" }, [el("td"), el("td"), el("td"),
          el("td", { cls: "m" }, [el("span", { cls: "sev " + f.severity, text: f.code }), f.message])]));
      });
    });
    return section("dockerfile", "Dockerfile " + name + " (gutter: bytes each line added, and bytes a later line hid or deleted)",
                   [el("div", { cls: "panel" }, [el("table", { cls: "src" }, [body])])]);
  }

  /* -- the final filesystem as a zoomable icicle ---------------------------------------- */
  function treeSection() {
    var root = IMG.tree, focus = root, path = [root];
    var box = el("div", { id: "icicle" }), crumbs = el("div", { cls: "crumbs" });
    var depthShown = 6;
    function draw() {
      box.textContent = "";
      crumbs.textContent = "";
      path.forEach(function (node, i) {
        if (i) crumbs.appendChild(document.createTextNode(i === 1 && path[0].name === "/" ? "" : "/"));
        var label = i === 0 ? "/" : node.name;
        if (i < path.length - 1) crumbs.appendChild(el("a", { text: label, onclick: function () { path = path.slice(0, i + 1); focus = node; draw(); } }));
        else crumbs.appendChild(el("b", { text: label }));
      });
      crumbs.appendChild(document.createTextNode("  \u2014 " + bytes(focus.bytes) + ", " + focus.files.toLocaleString("en") + " files"));
      var width = box.clientWidth || 1000, rowHeight = 300 / depthShown;
      function place(node, depth, left, span, trail) {
        if (depth >= depthShown || span * width < 1.5) return;
        var isRest = !!node.rest;
        var cell = el("div", { cls: "node" + (isRest ? " rest" : ""), "data-path": trail,
                               style: "left:" + (left * 100).toFixed(4) + "%;width:" + (span * 100).toFixed(4) + "%;top:" +
                                 (depth * rowHeight) + "px;height:" + rowHeight + "px;background:" + layerColor(node.layer, IMG.layers.length),
                               text: span * width > 40 ? node.name + " " + bytes(node.bytes) : "" });
        tipFor(cell, trail + "  " + bytes(node.bytes) + " (" + node.bytes + " bytes), " + node.files + " file(s); " +
               (node.layer ? "mostly from " + layerName(IMG.layers, node.layer) : "no bytes"));
        if (node.children && depth > 0) cell.addEventListener("click", function () { zoom(node); });
        if (depth === 0 && path.length > 1) cell.addEventListener("click", function () { path.pop(); focus = path[path.length - 1]; draw(); });
        box.appendChild(cell);
        if (!node.children || !node.bytes) return;
        var at = left;
        node.children.forEach(function (child) {
          var share = span * child.bytes / node.bytes;
          place(child, depth + 1, at, share, child.rest ? trail + "/\u2026" : (trail === "/" ? "" : trail) + "/" + child.name);
          at += share;
        });
      }
      var trail = path.map(function (n) { return n.name; }).join("/").replace(/^\/+/, "/") || "/";
      place(focus, 0, 0, 1, trail);
    }
    function zoom(node) {
      var trailNodes = [];
      (function find(n, acc) {
        if (n === node) { trailNodes = acc.concat([n]); return true; }
        return (n.children || []).some(function (c) { return find(c, acc.concat([n])); });
      })(root, []);
      path = trailNodes; focus = node; draw();
    }
    var used = {};
    (function walk(n) { if (!n.children) { used[n.layer] = (used[n.layer] || 0) + n.bytes; } (n.children || []).forEach(walk); })(root);
    var legend = el("div", { cls: "legend" }, IMG.layers.filter(function (l) { return used[l.index]; }).map(function (l) {
      return el("span", null, [el("span", { cls: "sw", style: "background:" + layerColor(l.index, IMG.layers.length) }),
                              layerName(IMG.layers, l.index) + ": " + bytes(used[l.index])]);
    }));
    var sec = section("tree", "Final filesystem by size (coloured by the layer that put the bytes there)", [
      el("div", { cls: "hint", text: "Click a directory to zoom in, the top bar or the path to zoom out. Small entries are gathered into one hatched node." }),
      crumbs, box, legend]);
    setTimeout(draw, 0);
    window.addEventListener("resize", draw);
    return sec;
  }

  /* -- the waste table ------------------------------------------------------------------ */
  function wasteSection() {
    var rows = IMG.wasted_files.map(function (w) {
      return el("tr", { "data-path": w.path, "data-bytes": String(w.bytes) }, [
        el("td", { cls: "p", text: w.path }), el("td", { cls: "n", title: w.bytes + " bytes", text: bytes(w.bytes) }),
        el("td", { text: layerName(IMG.layers, w.layer) }),
        el("td", { text: w.how + " by " + layerName(IMG.layers, w.hidden_by) })]);
    });
    var note = IMG.wasted_files_count > IMG.wasted_files.length ? "the " + IMG.wasted_files.length + " largest of " + IMG.wasted_files_count + " wasted files" : IMG.wasted_files_count + " wasted file(s)";
    return section("waste", "Wasted files: shipped in a layer, invisible in the final filesystem", [
      el("div", { cls: "hint", text: note + ", " + bytes(IMG.reclaimable_bytes) + " reclaimable in all" }),
      rows.length ? el("div", { cls: "panel", style: "max-height:480px" }, [el("table", null, [
        el("thead", null, [el("tr", null, [el("th", { text: "path" }), el("th", { cls: "n", text: "bytes" }),
                                           el("th", { text: "added by" }), el("th", { text: "hidden by" })])]),
        el("tbody", null, rows)])]) : el("p", { text: "No wasted files: every byte shipped is visible in the final filesystem." })]);
  }

  /* -- --compare: two images side by side ------------------------------------------------ */
  function directorySizes(tree, depth) {
    var sizes = {};
    (function walk(node, prefix, d) {
      (node.children || []).forEach(function (c) {
        if (c.rest) return;
        var p = prefix + "/" + c.name;
        sizes[p] = c.bytes;
        if (d < depth && c.children) walk(c, p, d + 1);
      });
    })(tree, "", 1);
    return sizes;
  }
  function diffCell(a, b) {
    var d = b - a;
    return el("td", { cls: "n " + (d > 0 ? "diff-pos" : d < 0 ? "diff-neg" : ""), text: (d > 0 ? "+" : d < 0 ? "\u2212" : "") + bytes(Math.abs(d)) });
  }
  function compareSection() {
    var B = IMG.compare, A = IMG;
    var n = Math.max(A.layers.length, B.layers.length), rows = [];
    for (var i = 0; i < n; i++) {
      var a = A.layers[i], b = B.layers[i];
      rows.push(el("tr", { "data-index": String(i + 1) }, [el("td", { cls: "n", text: String(i + 1) }),
        el("td", { cls: "p", text: a ? layerStep(a) : "" }), el("td", { cls: "n", text: a ? bytes(a.total_bytes) : "" }),
        el("td", { cls: "p", text: b ? layerStep(b) : "" }), el("td", { cls: "n", text: b ? bytes(b.total_bytes) : "" }),
        diffCell(a ? a.total_bytes : 0, b ? b.total_bytes : 0)]));
    }
    var da = directorySizes(A.tree, 3), db = directorySizes(B.tree, 3);
    var keys = Object.keys(da).concat(Object.keys(db).filter(function (k) { return !(k in da); }));
    keys.sort(function (x, y) { return Math.abs((db[y] || 0) - (da[y] || 0)) - Math.abs((db[x] || 0) - (da[x] || 0)) || (x < y ? -1 : 1); });
    var dirs = keys.filter(function (k) { return (da[k] || 0) !== (db[k] || 0); }).slice(0, 60).map(function (k) {
      return el("tr", { "data-path": k }, [el("td", { cls: "p", text: k }), el("td", { cls: "n", text: k in da ? bytes(da[k]) : "\u2014" }),
                                          el("td", { cls: "n", text: k in db ? bytes(db[k]) : "\u2014" }), diffCell(da[k] || 0, db[k] || 0)]);
    });
    function totals(label, key) { return el("tr", null, [el("td", { text: label }), el("td", { cls: "n", text: bytes(A[key]) }), el("td", { cls: "n", text: bytes(B[key]) }), diffCell(A[key], B[key])]); }
    return section("compare", "Compared with " + (D.files.filter(function (f, i) { return i > 0 && !(f in S); })[0] || "the other image"), [
      el("div", { cls: "panel" }, [el("table", null, [el("thead", null, [el("tr", null, [el("th", { text: "" }), el("th", { cls: "n", text: "this image" }), el("th", { cls: "n", text: "other" }), el("th", { cls: "n", text: "change" })])]),
        el("tbody", null, [totals("total", "total_bytes"), totals("final", "final_bytes"), totals("reclaimable", "reclaimable_bytes"), totals("compressed", "compressed_bytes")])])]),
      el("h3", { text: "Per layer" }),
      el("div", { cls: "panel" }, [el("table", null, [el("thead", null, [el("tr", null, [el("th", { cls: "n", text: "#" }), el("th", { text: "this image" }), el("th", { cls: "n", text: "bytes" }), el("th", { text: "other" }), el("th", { cls: "n", text: "bytes" }), el("th", { cls: "n", text: "change" })])]), el("tbody", null, rows)])]),
      el("h3", { text: "Per directory (final filesystem, up to three levels; largest changes first)" }),
      dirs.length ? el("div", { cls: "panel", style: "max-height:420px" }, [el("table", null, [el("thead", null, [el("tr", null, [el("th", { text: "directory" }), el("th", { cls: "n", text: "this image" }), el("th", { cls: "n", text: "other" }), el("th", { cls: "n", text: "change" })])]), el("tbody", null, dirs)])])
        : el("p", { text: "No directory changed size." })]);
  }

  /* -- the build context --------------------------------------------------------------- */
  function contextSection() {
    var C = D.context;
    function table(head, rows) {
      return el("div", { cls: "panel" }, [el("table", null, [el("thead", null, [el("tr", null, head.map(function (h, i) { return el("th", { cls: i ? "n" : "", text: h }); }))]), el("tbody", null, rows)])]);
    }
    var kids = [el("div", { cls: "metrics" }, [
      metric("sent_bytes", "sent to the builder", C.sent_bytes), metric("sent_files", "files sent", C.sent_files, false, String(C.sent_files)),
      metric("excluded_bytes", ".dockerignore keeps out", C.excluded_bytes), metric("excluded_files", "files kept out", C.excluded_files, false, String(C.excluded_files)),
      metric("dockerignore", ".dockerignore", C.dockerignore || "", !C.dockerignore, C.dockerignore || "(none)", true)])];
    if (C.heavy_directories.length) kids.push(el("h3", { text: "Heavy directories sent" }), table(["directory", "files", "bytes"], C.heavy_directories.map(function (h) {
      return el("tr", { "data-path": h.path }, [el("td", { cls: "p", text: h.path + "/  (" + h.why + ")" }), el("td", { cls: "n", text: String(h.files) }), el("td", { cls: "n", text: bytes(h.bytes) })]);
    })));
    if (C.secrets.length) kids.push(el("h3", { text: "Secrets sent (values never shown)" }), table(["file", "bytes"], C.secrets.map(function (s) {
      return el("tr", { "data-path": s.path }, [el("td", { cls: "p", text: s.path + ": " + s.what }), el("td", { cls: "n", text: bytes(s.bytes) })]);
    })));
    if (C.large_files.length) kids.push(el("h3", { text: "Large logs, archives and data sent" }), table(["file", "bytes"], C.large_files.map(function (f) {
      return el("tr", { "data-path": f.path }, [el("td", { cls: "p", text: f.path + " (" + f.kind + ")" }), el("td", { cls: "n", text: bytes(f.bytes) })]);
    })));
    return section("context", "Build context " + C.directory, kids);
  }

  /* -- findings, with source frames ----------------------------------------------------- */
  function frame(f) {
    var text = S[f.file];
    if (!f.line || text === undefined) return null;
    var lines = text.split("\n");
    var first = Math.max(1, f.line - 1), last = Math.min(lines.length, (f.end_line || f.line) + 1);
    if (last - first > 12) last = first + 12;
    var spans = spansByLine([f], lines.length, lines), body = el("tbody");
    for (var n = first; n <= last; n++) {
      body.appendChild(el("tr", null, [el("td", { cls: "ln", text: String(n) }), el("td", { cls: "code" }, markedLine(lines[n - 1], spans[n]))]));
    }
    return el("div", { cls: "frame" }, [el("table", { cls: "src" }, [body])]);
  }
  function findingsSection() {
    var order = { error: 0, warning: 1, info: 2, style: 3 };
    var sorted = D.findings.slice().sort(function (a, b) { return order[a.severity] - order[b.severity] || (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line || 0) - (b.line || 0)); });
    var shown = sorted.slice(0, 2000);
    var items = shown.map(function (f) {
      var where = f.file + (f.line ? ":" + f.line + ":" + (f.column || 1) : "");
      return el("div", { cls: "finding", "data-code": f.code }, [
        el("div", null, [el("span", { cls: "sev " + f.severity, text: f.code }), el("span", { cls: "loc", text: where + "  " + f.name })]),
        el("div", { text: f.message }), frame(f)]);
    });
    if (sorted.length > shown.length) items.push(el("p", { cls: "hint", text: (sorted.length - shown.length) + " more findings are in the JSON report." }));
    return section("findings", "Findings (" + D.findings.length + ")", items.length ? items : [el("p", { text: "No findings." })]);
  }

  /* -- the page ------------------------------------------------------------------------- */
  app.textContent = "";
  app.appendChild(header());
  if (D.errors.length) app.appendChild(section("errors", "Errors", [el("ul", { cls: "errors" }, D.errors.map(function (e) { return el("li", { text: e }); }))]));
  if (IMG) {
    app.appendChild(layersSection());
    var name = sourceName();
    if (name) app.appendChild(dockerfileSection(name));
    app.appendChild(treeSection());
    app.appendChild(wasteSection());
    if (IMG.compare) app.appendChild(compareSection());
  }
  if (D.context) app.appendChild(contextSection());
  app.appendChild(findingsSection());
  document.body.setAttribute("data-ready", "1");
})();
