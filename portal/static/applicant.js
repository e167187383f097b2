// The applicant's forms (CSP: script-src 'self'; no inline code). Without this file every form
// still works by plain posts; with it: line editors with running totals, errors from autosave
// placed next to their fields, and document upload with a progress bar.
(function () {
  "use strict";

  // ------------------------------------------------------------ money, in integer fen
  // The same shape the API takes: digits, optionally a point and one or two decimals. The sum is
  // kept in BigInt fen, never in floating point.
  var MONEY = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;

  function parseFen(text) {
    var match = MONEY.exec(String(text).trim());
    if (!match) { return null; }
    var cents = ((match[2] || "") + "00").slice(0, 2);
    return BigInt(match[1]) * 100n + BigInt(cents);
  }

  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function yuan(fen) {
    var sign = fen < 0n ? "-" : "";
    var abs = fen < 0n ? -fen : fen;
    return sign + "¥" + grouped((abs / 100n).toString()) + "." + (abs % 100n).toString().padStart(2, "0");
  }

  // Rounded for reading, half up, beside the exact yuan, as domain.money has it: 万元 on the
  // Chinese pages (display_wan), millions of yuan on the English ones (display_millions).
  function wan(fen) {
    var english = document.documentElement.lang === "en";
    var unit = english ? 100000000n : 1000000n;
    var suffix = english ? " million yuan" : "万元";
    var sign = fen < 0n ? "-" : "";
    var abs = fen < 0n ? -fen : fen;
    if (abs % unit === 0n) { return sign + (abs / unit).toString() + suffix; }
    var step = unit / 100n;
    var hundredths = abs / step + ((abs % step) * 2n >= step ? 1n : 0n);
    return sign + (hundredths / 100n).toString() + "." + (hundredths % 100n).toString().padStart(2, "0") + suffix;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function appForm() { return document.getElementById("app-form"); }

  // Ask htmx to autosave, as a typed change would.
  function changed() {
    var form = appForm();
    if (form) { form.dispatchEvent(new Event("change", { bubbles: true })); }
  }

  // ------------------------------------------------------------ line editors
  function lineEditor() {
    var section = document.querySelector("[data-line-editor]");
    if (!section) { return; }
    var field = section.getAttribute("data-line-editor");
    var table = document.getElementById(field);
    var body = section.querySelector("[data-line-body]");
    var template = document.getElementById("line-template");
    var addButton = section.querySelector("[data-add-line]");
    var word = table.getAttribute("data-line-word") || "{n}";
    var pattern = new RegExp("(" + field + ")([-.])\\d+", "g");
    var attributes = ["id", "name", "for", "aria-describedby", "data-field"];

    function rows() { return body.querySelectorAll("tr[data-line]"); }

    function renumber() {
      rows().forEach(function (row, i) {
        row.querySelectorAll("*").forEach(function (el) {
          attributes.forEach(function (name) {
            var value = el.getAttribute(name);
            if (value) { el.setAttribute(name, value.replace(pattern, "$1$2" + i)); }
          });
        });
        var n = String(i + 1);
        row.querySelectorAll("[data-n]").forEach(function (el) { el.textContent = n; });
        row.querySelectorAll("[data-col]").forEach(function (el) {
          el.textContent = word.replace("{n}", n) + " " + el.getAttribute("data-col");
        });
        row.querySelectorAll("[data-n-word]").forEach(function (el) {
          el.textContent = " " + word.replace("{n}", n);
        });
      });
    }

    function total() {
      var sum = 0n;
      var skipped = false;
      rows().forEach(function (row) {
        var input = row.querySelector("[data-line-amount]");
        var text = input ? input.value.trim() : "";
        if (!text) { return; }
        var fen = parseFen(text);
        if (fen === null) { skipped = true; return; }
        sum += fen;
      });
      section.querySelector("[data-line-total]").textContent = yuan(sum);
      section.querySelector("[data-line-total-wan]").textContent = wan(sum);
      section.querySelector("[data-line-total-note]").hidden = !skipped;
      compare(sum);
    }

    function compare(sum) {
      var note = section.querySelector("[data-compare-total]");
      if (!note) { return; }
      var input = document.getElementById(note.getAttribute("data-compare-total"));
      var target = input ? parseFen(input.value) : null;
      if (target === null || !rows().length) { note.textContent = ""; return; }
      var diff = sum - target;
      note.textContent = diff === 0n
        ? note.getAttribute("data-label-equal")
        : note.getAttribute("data-label-differ").replace("{diff}", yuan(diff < 0n ? -diff : diff));
      note.classList.toggle("error", diff !== 0n);
    }

    addButton.addEventListener("click", function () {
      var i = rows().length;
      var html = template.innerHTML.replace(/__i__/g, String(i)).replace(/__n__/g, String(i + 1));
      body.insertAdjacentHTML("beforeend", html);
      var added = rows()[i];
      var first = added.querySelector("select, input");
      if (first) { first.focus(); }
    });

    body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-line]");
      if (!button) { return; }
      var row = button.closest("tr[data-line]");
      var next = row.nextElementSibling;
      row.remove();
      renumber();
      total();
      changed();
      var focus = next ? next.querySelector("[data-remove-line]") : addButton;
      focus.focus();
    });

    section.addEventListener("input", total);
    var totalField = section.querySelector("[data-compare-total]");
    if (totalField) {
      var input = document.getElementById(totalField.getAttribute("data-compare-total"));
      if (input) { input.addEventListener("input", total); }
    }
    total();
  }

  // ------------------------------------------------------------ amounts echoed as ¥…
  function moneyEcho() {
    document.querySelectorAll("[data-money]").forEach(function (input) {
      var echo = document.querySelector('[data-echo-for="' + input.id + '"]');
      if (!echo) { return; }
      function show() {
        var fen = parseFen(input.value);
        echo.textContent = fen === null ? "" : yuan(fen) + "(" + wan(fen) + ")";
      }
      input.addEventListener("input", show);
      show();
    });
  }

  // ------------------------------------------------------------ autosave's field errors
  function placeErrors() {
    var holder = document.getElementById("autosave-errors");
    if (!holder) { return; }
    var errors = JSON.parse(holder.getAttribute("data-errors") || "{}");
    document.querySelectorAll(".field-error[data-field]").forEach(function (slot) {
      slot.textContent = "";
      slot.hidden = true;
    });
    document.querySelectorAll('[aria-invalid="true"]').forEach(function (el) {
      el.removeAttribute("aria-invalid");
    });
    Object.keys(errors).forEach(function (key) {
      var slot = document.querySelector('.field-error[data-field="' + CSS.escape(key) + '"]');
      if (!slot) { return; }
      slot.textContent = errors[key];
      slot.hidden = false;
      var input = document.getElementById(key.replace(/\./g, "-"));
      if (input && input.matches("input, select, textarea")) { input.setAttribute("aria-invalid", "true"); }
    });
    var summary = document.getElementById("form-errors");
    var found = document.getElementById("autosave-summary");
    if (!summary || !found) { return; }
    var list = summary.querySelector("ul");
    list.textContent = "";
    Array.prototype.forEach.call(found.children, function (item) {
      var li = item.cloneNode(true);
      var key = li.getAttribute("data-field");
      if (key) {
        var target = document.getElementById(key.replace(/\./g, "-")) ||
          document.getElementById(key.split(".")[0]);
        if (target) {
          var link = document.createElement("a");
          link.href = "#" + target.id;
          link.textContent = summary.getAttribute("data-fix") || "→";
          li.appendChild(document.createTextNode(" "));
          li.appendChild(link);
        }
      }
      list.appendChild(li);
    });
    summary.hidden = found.children.length === 0;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "save-status") { placeErrors(); }
  });

  // ------------------------------------------------------------ documents
  function documents() {
    var list = document.querySelector("[data-doc-list]");
    var form = document.querySelector("form[data-upload]");
    if (!list || !form) { return; }
    var template = document.getElementById("doc-template");
    var empty = document.querySelector("[data-no-docs]");
    var fileInput = form.querySelector('input[type="file"]');
    var slot = document.getElementById("err-file");
    var row = form.querySelector("[data-progress-row]");
    var bar = row.querySelector("progress");
    var text = row.querySelector("[data-progress-text]");

    function renumber() {
      list.querySelectorAll("li[data-doc]").forEach(function (li, i) {
        li.querySelectorAll("input[name]").forEach(function (input) {
          input.name = input.name.replace(/^documents-\d+-/, "documents-" + i + "-");
        });
      });
      empty.hidden = list.querySelector("li[data-doc]") !== null;
      tick();
    }

    // The checklist follows the documents held: each kind held is ticked.
    function tick() {
      var held = {};
      list.querySelectorAll('input[name$="-kind"]').forEach(function (input) {
        held[input.value] = true;
      });
      document.querySelectorAll("#checklist li[data-kind]").forEach(function (li) {
        var done = held[li.getAttribute("data-kind")] === true;
        var required = li.querySelector(".req") !== null;
        li.className = done ? "ok" : (required ? "missing" : "");
        li.firstChild.nodeValue = (done ? "✓" : "○") + li.firstChild.nodeValue.slice(1);
      });
    }

    function add(doc, kindLabel) {
      var i = list.querySelectorAll("li[data-doc]").length;
      list.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__i__/g, String(i)));
      var li = list.lastElementChild;
      li.querySelector('input[name$="-document_id"]').value = doc.id;
      li.querySelector('input[name$="-kind"]').value = doc.kind;
      var link = li.querySelector("[data-doc-link]");
      link.href = doc.url;
      link.textContent = doc.filename;
      li.querySelector("[data-doc-info]").textContent =
        kindLabel + " · " + (doc.size_bytes / 1024).toFixed(1) + " KiB";
      renumber();
      changed();
    }

    function fail(message) {
      slot.textContent = message;
      slot.hidden = false;
      fileInput.setAttribute("aria-invalid", "true");
      text.textContent = form.getAttribute("data-failed");
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-doc]");
      if (!button) { return; }
      button.closest("li[data-doc]").remove();
      renumber();
      changed();
      fileInput.focus();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var kind = form.querySelector('select[name="kind"]');
      var kindLabel = kind.options[kind.selectedIndex].getAttribute("data-label");
      var xhr = new XMLHttpRequest();
      slot.textContent = "";
      slot.hidden = true;
      fileInput.removeAttribute("aria-invalid");
      row.hidden = false;
      bar.value = 0;
      text.textContent = form.getAttribute("data-uploading");
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("x-csrftoken", csrfToken());
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded * 100) / e.total);
          text.textContent = bar.value + "%";
        }
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body) {
          bar.value = 100;
          text.textContent = form.getAttribute("data-uploaded") + ":" + body.filename;
          fileInput.value = "";
          add(body, kindLabel);
          return;
        }
        fail((body && body.error) || form.getAttribute("data-failed") + " (" + xhr.status + ")");
      });
      xhr.addEventListener("error", function () { fail(form.getAttribute("data-failed")); });
      xhr.send(new FormData(form));
    });
  }

  // ------------------------------------------------------------ a stock code another exchange numbers
  function listingCheck() {
    var note = document.getElementById("stock_code-warning");
    var exchange = document.getElementById("exchange");
    var code = document.getElementById("stock_code");
    if (!note || !exchange || !code) { return; }
    var boards = JSON.parse(note.getAttribute("data-boards"));
    var names = JSON.parse(note.getAttribute("data-names"));
    function belongsTo(value) {
      if (!/^[0-9]{6}$/.test(value)) { return null; }
      return Object.keys(boards).find(function (x) {
        return boards[x].some(function (prefix) { return value.indexOf(prefix) === 0; });
      }) || null;
    }
    function check() {
      var chosen = exchange.value, value = code.value.trim(), belongs = belongsTo(value);
      var wrong = boards[chosen] && belongs && belongs !== chosen;
      note.hidden = !wrong;
      note.textContent = wrong ? note.getAttribute("data-template")
        .replace("{code}", value).replace("{belongs}", names[belongs])
        .replace("{chosen}", names[chosen]) : "";
    }
    exchange.addEventListener("change", check);
    code.addEventListener("input", check);
  }

  function start() {
    lineEditor();
    moneyEcho();
    documents();
    listingCheck();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
