// mobkg details panel: an entity's names, its facts and, for every fact, each release
// that states it (headline linking to the release's source URL, date, evidence sentences),
// then every release that mentions it. All text from the data is inserted with
// textContent, never as HTML; only http(s) URLs become links.
window.mobkgDetails = function (data, colours, follow) {
  "use strict";

  var panel = document.getElementById("details"), body = document.getElementById("details-body");

  function el(tag, className, text, parent) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function release(id) { return data.releases[id] || { headline: id, date: null, url: null }; }

  function webUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null; }

  function describe(id, parent) {  // headline (a link to the release when it has a web URL), date, URL
    var r = release(id), url = webUrl(r.url), headline;
    if (url) {
      headline = el("a", "headline", r.headline, parent);
      headline.href = url;
      headline.target = "_blank";
      headline.rel = "noopener noreferrer";
    } else {
      el("span", "headline", r.headline, parent);
    }
    if (r.date) el("time", null, r.date, parent).setAttribute("datetime", r.date);
    if (r.url) el("span", "source-url", r.url, parent);
  }

  function end(parent, other, current) {
    if (other === current) { el("span", "self", other.label, parent); return; }
    var link = el("a", "other", other.label, parent);
    link.setAttribute("data-id", other.id);
    link.setAttribute("tabindex", "0");
    link.addEventListener("click", function () { follow(other); });
    link.addEventListener("keydown", function (ev) { if (ev.key === "Enter") follow(other); });
  }

  function show(n) {
    body.textContent = "";
    el("h2", "entity-label", n.label, body);
    var badge = el("span", "type-badge", n.kind, body);
    badge.style.background = colours[n.kind] || "#999";
    if (n.aliases.length) {
      var aliases = el("div", "aliases", null, body);
      el("strong", null, "Also called: ", aliases);
      n.aliases.forEach(function (a) { el("span", "alias", a, aliases); });
    }
    el("h3", null, "Facts (" + n.facts.length + ")", body);
    var facts = el("ul", "facts", null, body);
    n.facts.slice().sort(function (a, b) {
      return a.predicate < b.predicate ? -1 : a.predicate > b.predicate ? 1 : 0;
    }).forEach(function (e) {
      var li = el("li", "fact", null, facts);
      var line = el("div", "fact-line", null, li);
      end(line, e.source, n);
      el("span", "predicate", " —" + e.predicate + "→ ", line);
      end(line, e.target, n);
      var sources = el("ul", "sources", null, li);
      e.sources.forEach(function (s) {
        var item = el("li", "source", null, sources);
        describe(s.release, item);
        s.evidence.forEach(function (sentence) { el("blockquote", "evidence", sentence, item); });
      });
    });
    el("h3", null, "Mentioned in " + n.releases.length + (n.releases.length === 1 ? " release" : " releases"), body);
    var mentions = el("ul", "mentions", null, body);
    n.releases.forEach(function (id) { describe(id, el("li", null, null, mentions)); });
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  return { show: show, hide: function () { panel.hidden = true; } };
};
