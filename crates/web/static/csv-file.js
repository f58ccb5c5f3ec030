// Reads a chosen CSV file into the text box next to it (`#csv-file` into
// `#csv`). Without JavaScript the box still takes a pasted file.
(function () {
  var input = document.getElementById("csv-file"), box = document.getElementById("csv");
  if (!input || !box) return;
  input.addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (file) { file.text().then(function (text) { box.value = text; }); }
  });
})();
