/* Condition builder for the whitelist criteria page (issue 9 #9, WL-2).
 *
 * Officials build the rule from lists — field, operator, value; all/any/none groups, nested — and the builder
 * writes the same rule JSON into the form's "rule" field, which the server validates, previews and saves.
 * Fields, operators, choices and every word shown come from the page (json_script, see
 * sibao/whitelist/rule_builder.py); nothing here knows Chinese or English. Plain DOM, no inline script or
 * style, so it runs under a strict Content-Security-Policy. After each change the textarea fires
 * "rule-changed", which htmx turns into a live preview.
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function option(value, label, selected) {
    var node = el("option", { value: value, text: label });
    if (selected) node.selected = true;
    return node;
  }

  function groupOf(node) {
    if (!node || typeof node !== "object" || Array.isArray(node)) return null;
    var found = ["all", "any", "none"].filter(function (key) { return key in node; });
    return found.length === 1 && Array.isArray(node[found[0]]) ? found[0] : null;
  }

  var counter = 0;
  function uid(prefix) {
    counter += 1;
    return prefix + "-" + counter;
  }

  function Builder(root) {
    this.root = root;
    this.schema = JSON.parse(document.getElementById(root.dataset.schema).textContent);
    this.textarea = document.getElementById(root.dataset.target);
    this.fields = {};
    var self = this;
    this.schema.fields.forEach(function (field) { self.fields[field.name] = field; });
    this.t = this.schema.text;
    this.load();
    this.textarea.addEventListener("input", function () {
      // Administrators may edit the JSON by hand: the builder follows it.
      window.clearTimeout(self.typing);
      self.typing = window.setTimeout(function () { self.load(); }, 400);
    });
  }

  Builder.prototype.load = function () {
    var text = this.textarea.value.trim();
    this.broken = false;
    if (!text) {
      this.model = { all: [] };
    } else {
      try {
        var parsed = JSON.parse(text);
        this.model = groupOf(parsed) ? parsed : { all: [parsed] };
      } catch (error) {
        this.broken = true;
      }
    }
    this.render();
  };

  Builder.prototype.changed = function (rerender) {
    this.textarea.value = JSON.stringify(this.model, null, 2);
    this.textarea.dispatchEvent(new Event("rule-changed", { bubbles: true }));
    if (rerender) this.render();
  };

  Builder.prototype.render = function () {
    var self = this;
    if (this.broken) {
      var again = el("button", { type: "button", className: "btn btn-sm btn-outline-secondary ms-2", text: this.t.start_again });
      again.addEventListener("click", function () {
        self.broken = false;
        self.model = { all: [] };
        self.changed(true);
      });
      this.root.replaceChildren(el("div", { className: "alert alert-warning", role: "alert" }, [
        el("span", { text: this.t.unreadable }), again,
      ]));
      return;
    }
    this.root.replaceChildren(this.groupCard(this.model, null, 0, 0));
  };

  // --- groups -------------------------------------------------------------------------------------------

  Builder.prototype.groupCard = function (node, parent, index, depth) {
    var self = this;
    var kind = groupOf(node);
    var card = el("div", { className: "rule-group card mb-2", "data-testid": "rule-group", "data-depth": String(depth) });
    var head = el("div", { className: "card-header d-flex flex-wrap gap-2 align-items-center py-2" });
    var kindId = uid("rule-group");
    var select = el("select", { id: kindId, className: "form-select form-select-sm w-auto", "aria-label": this.t.group, "data-role": "group-kind" });
    this.schema.groups.forEach(function (pair) { select.appendChild(option(pair[0], pair[1], pair[0] === kind)); });
    select.addEventListener("change", function () {
      var items = node[kind];
      delete node[kind];
      node[select.value] = items;
      self.changed(true);
    });
    head.appendChild(select);
    var label = el("input", {
      type: "text", className: "form-control form-control-sm rule-label", value: node.label || "",
      placeholder: this.t.label_placeholder, "aria-label": this.t.label, "data-role": "group-label",
    });
    label.addEventListener("input", function () {
      if (label.value.trim()) node.label = label.value.trim(); else delete node.label;
      self.changed(false);
    });
    head.appendChild(label);
    if (parent) head.appendChild(this.moveButtons(parent, index));
    card.appendChild(head);

    var body = el("div", { className: "card-body py-2 px-2" });
    var items = node[kind];
    if (!items.length) body.appendChild(el("p", { className: "small text-muted mb-2", text: this.t.empty }));
    items.forEach(function (child, childIndex) {
      body.appendChild(groupOf(child)
        ? self.groupCard(child, items, childIndex, depth + 1)
        : self.leafRow(child, items, childIndex));
    });
    var actions = el("div", { className: "d-flex flex-wrap gap-2" });
    var addLeaf = el("button", { type: "button", className: "btn btn-sm btn-outline-primary", text: this.t.add_condition, "data-action": "add-condition" });
    addLeaf.addEventListener("click", function () {
      items.push(self.newLeaf());
      self.changed(true);
    });
    actions.appendChild(addLeaf);
    if (depth + 1 < this.schema.max_depth - 1) {
      var addGroup = el("button", { type: "button", className: "btn btn-sm btn-outline-secondary", text: this.t.add_group, "data-action": "add-group" });
      addGroup.addEventListener("click", function () {
        items.push({ any: [self.newLeaf()] });
        self.changed(true);
      });
      actions.appendChild(addGroup);
    }
    body.appendChild(actions);
    card.appendChild(body);
    return card;
  };

  Builder.prototype.moveButtons = function (list, index) {
    var self = this;
    var box = el("div", { className: "btn-group btn-group-sm ms-auto", role: "group" });
    function button(icon, label, action, enabled, apply) {
      var b = el("button", { type: "button", className: "btn btn-outline-secondary", title: label, "aria-label": label, "data-action": action }, [
        el("i", { className: "bi bi-" + icon, "aria-hidden": "true" }),
      ]);
      b.disabled = !enabled;
      b.addEventListener("click", function () { apply(); self.changed(true); });
      return b;
    }
    box.appendChild(button("arrow-up", this.t.up, "up", index > 0, function () {
      list.splice(index - 1, 0, list.splice(index, 1)[0]);
    }));
    box.appendChild(button("arrow-down", this.t.down, "down", index < list.length - 1, function () {
      list.splice(index + 1, 0, list.splice(index, 1)[0]);
    }));
    box.appendChild(button("trash", this.t.remove, "remove", true, function () { list.splice(index, 1); }));
    return box;
  };

  // --- conditions ---------------------------------------------------------------------------------------

  Builder.prototype.newLeaf = function () {
    var field = this.schema.fields[0];
    var leaf = { field: field.name, op: field.ops[0] };
    this.resetValue(leaf, field);
    return leaf;
  };

  Builder.prototype.resetValue = function (leaf, field) {
    delete leaf.value;
    var op = leaf.op;
    if (op === "is_true" || op === "is_false") return;
    var many = op === "in" || op === "not_in";
    if (field.kind === "bool") leaf.value = true;
    else if (field.kind === "choice") leaf.value = many ? [field.choices[0][0]] : field.choices[0][0];
    else if (field.kind === "number") leaf.value = many ? [0] : 0;
    else if (field.kind === "text") leaf.value = many ? [] : "";
    else if (field.kind === "region") leaf.value = this.schema.regions.length ? this.schema.regions[0][0] : "";
    else if (field.kind === "records") leaf.value = { years: 3 };
  };

  Builder.prototype.leafRow = function (leaf, list, index) {
    var self = this;
    var field = this.fields[leaf.field];
    var row = el("div", { className: "rule-leaf border rounded p-2 mb-2", "data-testid": "rule-condition" });
    if (!field || field.ops.indexOf(leaf.op) < 0) {
      row.appendChild(el("div", { className: "small text-muted", text: this.t.unknown }));
      var top = el("div", { className: "d-flex gap-2 align-items-start" }, [
        el("code", { className: "small text-break", text: JSON.stringify(leaf) }),
      ]);
      top.appendChild(this.moveButtons(list, index));
      row.appendChild(top);
      return row;
    }
    var grid = el("div", { className: "row g-2 align-items-start" });

    var fieldId = uid("rule-field");
    var fieldSelect = el("select", { id: fieldId, className: "form-select form-select-sm", "data-role": "field" });
    this.schema.fields.forEach(function (f) { fieldSelect.appendChild(option(f.name, f.label, f.name === leaf.field)); });
    fieldSelect.addEventListener("change", function () {
      var next = self.fields[fieldSelect.value];
      leaf.field = next.name;
      leaf.op = next.ops[0];
      self.resetValue(leaf, next);
      self.changed(true);
    });
    grid.appendChild(this.cell("col-12 col-md-4", fieldId, this.t.field, fieldSelect));

    var opId = uid("rule-op");
    var opSelect = el("select", { id: opId, className: "form-select form-select-sm", "data-role": "op" });
    field.ops.forEach(function (op) { opSelect.appendChild(option(op, self.schema.ops[op] || op, op === leaf.op)); });
    opSelect.addEventListener("change", function () {
      var before = leaf.op;
      leaf.op = opSelect.value;
      var sameShape = (before === "in" || before === "not_in") === (leaf.op === "in" || leaf.op === "not_in");
      if (!sameShape || before === "is_true" || before === "is_false" || !("value" in leaf)) self.resetValue(leaf, field);
      if (leaf.op === "is_true" || leaf.op === "is_false") delete leaf.value;
      self.changed(true);
    });
    grid.appendChild(this.cell("col-12 col-sm-6 col-md-3", opId, this.t.op, opSelect));

    var valueEditor = this.valueEditor(leaf, field);
    if (valueEditor) grid.appendChild(this.cell("col-12 col-sm-6 col-md-5", valueEditor.id, this.t.value, valueEditor.node));

    var labelId = uid("rule-label");
    var label = el("input", {
      id: labelId, type: "text", className: "form-control form-control-sm", value: leaf.label || "",
      placeholder: this.t.label_placeholder, "data-role": "label",
    });
    label.addEventListener("input", function () {
      if (label.value.trim()) leaf.label = label.value.trim(); else delete leaf.label;
      self.changed(false);
    });
    var labelCell = this.cell("col-12 col-md", labelId, this.t.label, label);
    grid.appendChild(labelCell);
    var moveCell = el("div", { className: "col-12 col-md-auto d-flex align-self-end" }, [this.moveButtons(list, index)]);
    grid.appendChild(moveCell);
    row.appendChild(grid);
    return row;
  };

  Builder.prototype.cell = function (className, id, text, control) {
    return el("div", { className: className }, [
      el("label", { className: "form-label small mb-0", for: id, text: text }), control,
    ]);
  };

  function splitList(text) {
    return text.split(/[,，、;；\s]+/).map(function (item) { return item.trim(); }).filter(Boolean);
  }

  Builder.prototype.valueEditor = function (leaf, field) {
    var self = this;
    var op = leaf.op;
    var many = op === "in" || op === "not_in";
    var id = uid("rule-value");
    if (op === "is_true" || op === "is_false") return null;

    if (field.kind === "bool") {
      var yesNo = el("select", { id: id, className: "form-select form-select-sm", "data-role": "value" });
      yesNo.appendChild(option("true", this.t.yes, leaf.value === true));
      yesNo.appendChild(option("false", this.t.no, leaf.value === false));
      yesNo.addEventListener("change", function () { leaf.value = yesNo.value === "true"; self.changed(false); });
      return { id: id, node: yesNo };
    }
    if (field.kind === "choice" && !many) {
      var single = el("select", { id: id, className: "form-select form-select-sm", "data-role": "value" });
      field.choices.forEach(function (pair) { single.appendChild(option(pair[0], pair[1], pair[0] === leaf.value)); });
      single.addEventListener("change", function () { leaf.value = single.value; self.changed(false); });
      return { id: id, node: single };
    }
    if (field.kind === "choice") {
      var chosen = Array.isArray(leaf.value) ? leaf.value : [];
      return { id: id, node: this.checkboxes(id, field.choices, chosen, function (values) {
        leaf.value = values;
        self.changed(false);
      }) };
    }
    if (field.kind === "region") {
      var regions = el("select", { id: id, className: "form-select form-select-sm", "data-role": "value" });
      var known = this.schema.regions.some(function (pair) { return pair[0] === leaf.value; });
      if (!known && leaf.value) regions.appendChild(option(leaf.value, leaf.value, true));
      this.schema.regions.forEach(function (pair) {
        regions.appendChild(option(pair[0], pair[1] + " (" + pair[0] + ")", pair[0] === leaf.value));
      });
      regions.addEventListener("change", function () { leaf.value = regions.value; self.changed(false); });
      return { id: id, node: regions };
    }
    if (field.kind === "records") return { id: id, node: this.recordsEditor(id, leaf, field) };

    // number and text: one value, or a list typed with commas
    var isNumber = field.kind === "number";
    var shown = many ? (Array.isArray(leaf.value) ? leaf.value.join(", ") : "") : (leaf.value === undefined ? "" : String(leaf.value));
    var input = el("input", {
      id: id, className: "form-control form-control-sm", "data-role": "value", value: shown,
      type: isNumber && !many ? "number" : "text",
      step: isNumber && !many ? (field.decimal_places ? String(Math.pow(10, -field.decimal_places)) : "1") : null,
      inputmode: isNumber ? "decimal" : null,
      placeholder: many ? this.t.list_hint : null,
    });
    input.addEventListener("input", function () {
      var parse = function (text) {
        if (!isNumber) return text;
        var number = Number(text);
        return text.trim() === "" || !isFinite(number) ? text : number;
      };
      leaf.value = many ? splitList(input.value).map(parse) : parse(input.value);
      self.changed(false);
    });
    return { id: id, node: input };
  };

  Builder.prototype.checkboxes = function (id, choices, chosen, onChange) {
    var box = el("div", { id: id, className: "d-flex flex-wrap gap-2 border rounded px-2 py-1", "data-role": "value", tabindex: "-1" });
    choices.forEach(function (pair) {
      var boxId = uid("rule-choice");
      var input = el("input", { type: "checkbox", className: "form-check-input", id: boxId, value: pair[0] });
      input.checked = chosen.indexOf(pair[0]) >= 0;
      input.addEventListener("change", function () {
        onChange(Array.prototype.filter.call(box.querySelectorAll("input[type=checkbox]"), function (item) {
          return item.checked;
        }).map(function (item) { return item.value; }));
      });
      box.appendChild(el("div", { className: "form-check form-check-inline m-0" }, [
        input, el("label", { className: "form-check-label small", for: boxId, text: pair[1] }),
      ]));
    });
    return box;
  };

  Builder.prototype.recordsEditor = function (id, leaf, field) {
    var self = this;
    var value = leaf.value && typeof leaf.value === "object" ? leaf.value : (leaf.value = {});
    var years = el("input", {
      id: id, type: "number", min: "1", max: "100", step: "1", className: "form-control form-control-sm mb-1",
      value: value.years === undefined ? "" : String(value.years), placeholder: this.t.years_placeholder,
      "aria-label": this.t.years, "data-role": "years",
    });
    years.addEventListener("input", function () {
      var number = parseInt(years.value, 10);
      if (years.value.trim() === "" || isNaN(number)) delete value.years; else value.years = number;
      self.changed(false);
    });
    function listPart(key, choices, title) {
      var part = self.checkboxes(uid("rule-" + key), choices, value[key] || [], function (values) {
        if (values.length) value[key] = values; else delete value[key];
        self.changed(false);
      });
      part.setAttribute("data-role", key);
      return el("div", { className: "mb-1" }, [
        el("div", { className: "small text-muted", text: title + " · " + self.t.all_when_none }), part,
      ]);
    }
    return el("div", {}, [
      el("div", { className: "small text-muted", text: this.t.years }), years,
      listPart("kinds", field.kinds, this.t.kinds),
      listPart("severities", field.severities, this.t.severities),
    ]);
  };

  function start() {
    document.querySelectorAll("[data-rule-builder]").forEach(function (root) { root.builder = new Builder(root); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
