/**
 * A small DOM for rendering the extension in Node: the tester needs "a mock DOM", and none (jsdom, happy-dom)
 * is installed. Shopify's real host is remote-dom, not a browser either; this covers what Preact and the tests
 * use: element trees, attributes, bubbling events and simple selectors (`tag`, `[attr]`, `[attr="value"]`,
 * compounds, descendants, commas).
 */

const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";

export class TestEvent {
  target: TestNode | null = null;
  currentTarget: TestNode | null = null;
  defaultPrevented = false;
  propagationStopped = false;
  constructor(
    readonly type: string,
    readonly bubbles = true,
  ) {}
  stopPropagation() {
    this.propagationStopped = true;
  }
  preventDefault() {
    this.defaultPrevented = true;
  }
}

type Listener = (this: TestNode, event: TestEvent) => unknown;

export class TestNode {
  parentNode: TestElement | null = null;
  readonly childNodes: TestNode[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  constructor(
    readonly nodeType: number,
    readonly ownerDocument: TestDocument | null,
  ) {}

  get firstChild(): TestNode | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): TestNode | null {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get nextSibling(): TestNode | null {
    const siblings = this.parentNode?.childNodes;
    return siblings ? (siblings[siblings.indexOf(this) + 1] ?? null) : null;
  }
  get textContent(): string {
    return this.childNodes.map((child) => child.textContent).join("");
  }

  insertBefore<T extends TestNode>(node: T, reference: TestNode | null): T {
    node.parentNode?.removeChild(node);
    const index = reference ? this.childNodes.indexOf(reference) : -1;
    if (index < 0) this.childNodes.push(node);
    else this.childNodes.splice(index, 0, node);
    node.parentNode = this as unknown as TestElement;
    return node;
  }
  appendChild<T extends TestNode>(node: T): T {
    return this.insertBefore(node, null);
  }
  removeChild<T extends TestNode>(node: T): T {
    const index = this.childNodes.indexOf(node);
    if (index >= 0) this.childNodes.splice(index, 1);
    node.parentNode = null;
    return node;
  }
  remove() {
    this.parentNode?.removeChild(this);
  }

  addEventListener(type: string, listener: Listener) {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener);
  }
  dispatchEvent(event: TestEvent): boolean {
    event.target = this;
    const path: TestNode[] = [this];
    for (let parent = this.parentNode; parent && event.bubbles; parent = parent.parentNode) path.push(parent);
    for (const node of path) {
      event.currentTarget = node;
      for (const listener of [...(node.listeners.get(event.type) ?? [])]) listener.call(node, event);
      if (event.propagationStopped) break;
    }
    return !event.defaultPrevented;
  }
}

export class TestText extends TestNode {
  constructor(
    public data: string,
    ownerDocument: TestDocument,
  ) {
    super(3, ownerDocument);
  }
  override get textContent(): string {
    return this.data;
  }
  get nodeValue(): string {
    return this.data;
  }
}

interface SimpleSelector {
  tag: string | null;
  attributes: { name: string; value: string | null }[];
}

function parseSelector(selector: string): SimpleSelector[][] {
  return selector.split(",").map((group) =>
    group
      .trim()
      .split(/\s+(?![^[]*\])/)
      .map((part) => {
        const tag = /^[a-z][a-z0-9-]*/i.exec(part)?.[0]?.toLowerCase() ?? null;
        const attributes = [...part.matchAll(/\[([^\]=]+)(?:="([^"]*)")?\]/g)].map((m) => ({
          name: m[1]!.toLowerCase(),
          value: m[2] ?? null,
        }));
        return { tag, attributes };
      }),
  );
}

function matchesSimple(element: TestElement, simple: SimpleSelector): boolean {
  if (simple.tag && element.localName !== simple.tag) return false;
  return simple.attributes.every(({ name, value }) =>
    value === null ? element.hasAttribute(name) : element.getAttribute(name) === value,
  );
}

function matchesChain(element: TestElement, chain: SimpleSelector[]): boolean {
  if (!matchesSimple(element, chain[chain.length - 1]!)) return false;
  let rest = chain.length - 2;
  for (let ancestor = element.parentNode; ancestor && rest >= 0; ancestor = ancestor.parentNode) {
    if (ancestor instanceof TestElement && matchesSimple(ancestor, chain[rest]!)) rest--;
  }
  return rest < 0;
}

class TestStyle {
  cssText = "";
  readonly properties = new Map<string, string>();
  setProperty(name: string, value: string) {
    this.properties.set(name, value);
  }
}

export class TestElement extends TestNode {
  readonly localName: string;
  readonly namespaceURI: string;
  private readonly attributeMap = new Map<string, string>();
  readonly style = new TestStyle();
  // Present so Preact registers `onClick` as "click", as it does for real elements.
  onclick = null;
  oninput = null;
  onchange = null;
  onfocus = null;
  onblur = null;
  onkeydown = null;

  constructor(localName: string, ownerDocument: TestDocument, namespaceURI = HTML_NAMESPACE) {
    super(1, ownerDocument);
    this.localName = localName.toLowerCase();
    this.namespaceURI = namespaceURI;
  }
  get nodeName(): string {
    return this.localName.toUpperCase();
  }
  get tagName(): string {
    return this.nodeName;
  }
  get attributes(): { name: string; value: string }[] {
    return [...this.attributeMap].map(([name, value]) => ({ name, value }));
  }
  setAttribute(name: string, value: unknown) {
    this.attributeMap.set(name.toLowerCase(), String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributeMap.get(name.toLowerCase()) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributeMap.has(name.toLowerCase());
  }
  removeAttribute(name: string) {
    this.attributeMap.delete(name.toLowerCase());
  }
  set innerHTML(html: string) {
    if (html !== "") throw new Error("the test DOM only supports clearing innerHTML");
    for (const child of [...this.childNodes]) this.removeChild(child);
  }
  get innerHTML(): string {
    throw new Error("the test DOM does not serialize");
  }

  querySelectorAll(selector: string): TestElement[] {
    const chains = parseSelector(selector);
    const found: TestElement[] = [];
    const visit = (node: TestNode) => {
      for (const child of node.childNodes) {
        if (child instanceof TestElement) {
          if (chains.some((chain) => matchesChain(child, chain))) found.push(child);
          visit(child);
        }
      }
    };
    visit(this);
    return found;
  }
  querySelector(selector: string): TestElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

export class TestDocument extends TestNode {
  readonly documentElement: TestElement;
  readonly body: TestElement;
  constructor() {
    super(9, null);
    this.documentElement = new TestElement("html", this);
    this.body = new TestElement("body", this);
    this.appendChild(this.documentElement);
    this.documentElement.appendChild(this.body);
  }
  createElement(localName: string): TestElement {
    return new TestElement(localName, this);
  }
  createElementNS(namespaceURI: string | null, localName: string): TestElement {
    return new TestElement(localName, this, namespaceURI ?? HTML_NAMESPACE);
  }
  createTextNode(data: string): TestText {
    return new TestText(data, this);
  }
}

/** Installs a fresh document as `globalThis.document` (once per test file is enough). */
export function installTestDocument(): TestDocument {
  const document = new TestDocument();
  (globalThis as unknown as { document: TestDocument }).document = document;
  return document;
}
