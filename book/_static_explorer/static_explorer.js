/* Client-side explorers of the nadlib book (book/_ext/static_explorer.py writes the markup).
 *
 * Each <figure class="static-explorer"> holds range sliders, one image, one readout and a JSON block with
 * the frame file names and readouts that nadlib computed when the book was built, in row-major order of the
 * sliders.  Moving a slider swaps the image and the readout: no kernel, no network, no library.
 */
(function () {
  "use strict";

  function setup(fig) {
    var data = JSON.parse(fig.querySelector("script.se-data").textContent);
    var inputs = Array.prototype.slice.call(fig.querySelectorAll("input[type=range]"));
    var img = fig.querySelector("img.se-frame");
    var readout = fig.querySelector(".se-readout");
    var preloaded = false;

    function index() {
      var k = 0;
      inputs.forEach(function (input, i) {
        k = k * data.sliders[i].text.length + Number(input.value);
      });
      return k;
    }

    function preload() {              // fetch the other frames once the reader shows interest
      if (preloaded) { return; }
      preloaded = true;
      data.frames.forEach(function (f) { if (f) { new Image().src = data.base + f; } });
    }

    function update() {
      var k = index();
      inputs.forEach(function (input, i) {
        var text = data.sliders[i].text[Number(input.value)];
        input.setAttribute("aria-valuetext", text);
        input.parentNode.querySelector("output").textContent = text;
      });
      if (data.frames[k]) {
        img.src = data.base + data.frames[k];
        img.style.visibility = "visible";
      } else {
        img.style.visibility = "hidden";     // invalid parameters: the readout says why
      }
      img.alt = fig.getAttribute("data-explorer") + " explorer: " + inputs.map(function (input, i) {
        return data.sliders[i].label + " = " + data.sliders[i].text[Number(input.value)];
      }).join(", ");
      readout.innerHTML = data.readouts[k];
      fig.setAttribute("data-frame", String(k));
    }

    inputs.forEach(function (input) {
      input.addEventListener("input", update);
      input.addEventListener("pointerenter", preload);
      input.addEventListener("focus", preload);
    });
    fig.setAttribute("data-frame", String(index()));
    fig.classList.add("se-ready");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.static-explorer"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
