// The page's language select (LanguageSelect in relabel.py): a real <label> and <select>, each language
// named in itself and marked in its own language for screen readers (ipywidgets' Dropdown cannot).
// Choosing only picks; the page's buttons beside it switch.
let made = 0;
function render({ model, el }) {
  const id = `ms-language-${++made}`;
  el.classList.add("ms-language");
  const label = document.createElement("label");
  label.htmlFor = id;
  const select = document.createElement("select");
  select.id = id;
  function draw() {
    label.textContent = model.get("label");
    const options = Object.entries(model.get("languages")).map(([code, name]) => {
      const option = new Option(name, code);
      option.lang = code.replace("_", "-");
      return option;
    });
    select.replaceChildren(...options);
    select.value = model.get("value");
  }
  select.addEventListener("change", () => {
    model.set("value", select.value);
    model.save_changes();
  });
  model.on("change:label", draw);
  model.on("change:value", draw);
  model.on("change:languages", draw);
  el.append(label, select);
  draw();
}
export default { render };
