/**
 * A parsed XML document for tests (fast-xml-parser), walked by paths of qualified element names
 * ("rsm:ExchangedDocument/ram:ID"). Every element is a list, so repeated elements need no
 * special case; attributes are read with `attr`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlNode = string | { [name: string]: XmlNode[] | string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** The root element `name` of a well-formed document (throws with the parser's message otherwise). */
export function parseXml(xml: string, name: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const root = (parser.parse(xml) as Record<string, XmlNode[]>)[name]?.[0];
  if (root === undefined) throw new Error(`the root element is not ${name}`);
  return root;
}

/** The elements at `path` below `node`, in document order. */
export function nodesAt(node: XmlNode, path: string): XmlNode[] {
  let current: XmlNode[] = [node];
  for (const step of path.split('/')) {
    current = current.flatMap((n) => {
      if (typeof n === 'string') return [];
      const children = n[step];
      return Array.isArray(children) ? children : [];
    });
  }
  return current;
}

export function textOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  const text = node['#text'];
  return typeof text === 'string' ? text : Array.isArray(text) ? textOf(text[0]) : '';
}

/** The text of the first element at `path`. */
export function text(node: XmlNode, path: string): string | undefined {
  return textOf(nodesAt(node, path)[0]);
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}
