// SVG and HTML from Python go into the page only after this: no script, no event handler, no
// foreign object, no link to a script scheme can survive, whatever a label said.
const FORBIDDEN = new Set(["script", "foreignobject", "iframe", "object", "embed", "link", "meta", "style", "base", "form"]);
const SAFE_LINK = /^(https?:|mailto:|#)/i;

function clean(root, { keepSandboxedFrames = false } = {}) {
  const walker = [root];
  while (walker.length) {  // an explicit stack: no recursion over a deep document
    const element = walker.pop();
    for (const child of Array.from(element.children)) {
      const tag = child.localName.toLowerCase();
      const sandboxed = tag === "iframe" && keepSandboxedFrames && child.hasAttribute("sandbox")
        && !/allow-same-origin/i.test(child.getAttribute("sandbox")) && !child.hasAttribute("src");
      if (FORBIDDEN.has(tag) && !sandboxed) { child.remove(); continue; }
      for (const attribute of Array.from(child.attributes)) {
        const name = attribute.name.toLowerCase();
        const link = ["href", "xlink:href", "src", "action", "formaction"].includes(name);
        if (name.startsWith("on") || (link && !SAFE_LINK.test(attribute.value.replace(/[\u0000-\u0020]/g, "")))) {
          child.removeAttribute(attribute.name);
        }
      }
      walker.push(child);
    }
  }
  return root;
}

// An <svg> element made from SVG text, cleaned; an error if the text is not SVG.
export function safeSvg(text) {
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.localName !== "svg" || parsed.querySelector("parsererror")) throw new Error("not an SVG drawing");
  for (const attribute of Array.from(svg.attributes)) if (attribute.name.toLowerCase().startsWith("on")) svg.removeAttribute(attribute.name);
  return document.importNode(clean(svg), true);
}

// A fragment made from HTML text, cleaned (the player's sandboxed iframe is kept: its script
// runs in the sandbox, with no access to this page).
export function safeHtml(text) {
  const parsed = new DOMParser().parseFromString(`<div>${text}</div>`, "text/html");
  const holder = clean(parsed.body.firstElementChild, { keepSandboxedFrames: true });
  const fragment = document.createDocumentFragment();
  for (const node of Array.from(holder.childNodes)) fragment.appendChild(document.importNode(node, true));
  return fragment;
}
