// Links that save files from the kernel (Downloads in review.py), built in the browser as Blobs:
// no server route, no internet and no size limit on a data: URI are needed.
// The object URLs are revoked whenever the files change and when the view goes away.
function render({ model, el }) {
  let urls = [];
  const draw = () => {
    urls.forEach(URL.revokeObjectURL);
    urls = [];
    el.replaceChildren();
    el.className = "ms-downloads";
    for (const f of model.get("files")) {
      const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: f.mime }));
      urls.push(url);
      const a = document.createElement("a");
      a.className = "ms-download";  // the level pages' download link (session.css)
      a.href = url;
      a.download = f.name;
      a.textContent = `${f.name} (${f.size})`;  // textContent: a name is never markup
      el.appendChild(a);
    }
  };
  model.on("change:files", draw);
  draw();
  return () => urls.forEach(URL.revokeObjectURL);
}
export default { render };
