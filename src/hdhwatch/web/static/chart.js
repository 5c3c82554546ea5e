/* hdhwatch: enhances the server-drawn timeline (it works without this file).
   One tooltip box, below the chart's points, follows hover and keyboard focus; the
   arrow keys move between points in time order. No library, no network. */
(function () {
  "use strict";
  function text(tag, cls, value) {
    var el = document.createElement(tag);
    el.className = cls;
    el.textContent = value;  /* text, never HTML: the sentence comes from a crawled page */
    return el;
  }
  function init() {
    var svg = document.getElementById("timeline");
    var tip = document.getElementById("chart-tip");
    if (!svg || !tip) { return; }
    document.documentElement.classList.add("js");
    var box = svg.parentNode;
    var points = Array.prototype.slice.call(svg.querySelectorAll("a.pt"));
    points.sort(function (a, b) {
      return a.querySelector(".mk").getBBox().x - b.querySelector(".mk").getBBox().x;
    });
    function show(point) {
      var d = point.dataset;
      tip.replaceChildren(
        text("p", "tip-head", d.outlet + " · " + d.day),
        text("p", "tip-target", d.target + " — " + d.category),
        text("p", "tip-sentence", "« " + d.sentence + " »")
      );
      if (d.more) { tip.appendChild(text("p", "tip-more", d.more)); }
      tip.hidden = false;
      var mark = point.querySelector(".mk").getBoundingClientRect();
      var area = box.getBoundingClientRect();
      var left = mark.left - area.left + box.scrollLeft - 150;
      left = Math.max(4, Math.min(left, box.scrollWidth - tip.offsetWidth - 4));
      var top = mark.bottom - area.top + 8;
      if (top + tip.offsetHeight > area.height) { top = mark.top - area.top - tip.offsetHeight - 8; }
      tip.style.left = left + "px";
      tip.style.top = Math.max(0, top) + "px";
    }
    function hide() { tip.hidden = true; }
    /* the box is positioned inside the scrolling area */
    box.appendChild(tip);
    points.forEach(function (point, i) {
      point.addEventListener("focus", function () { show(point); });
      point.addEventListener("mouseenter", function () { show(point); });
      point.addEventListener("blur", hide);
      point.addEventListener("mouseleave", function () {
        if (document.activeElement !== point) { hide(); }
      });
      point.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") { next = points[i + 1]; }
        if (event.key === "ArrowLeft" || event.key === "ArrowUp") { next = points[i - 1]; }
        if (event.key === "Escape") { hide(); }
        if (next) { event.preventDefault(); next.focus(); }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
