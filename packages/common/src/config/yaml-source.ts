import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ConfigIssue, PathSegment } from './config-issue.js';

/** A parsed `nodepool.yaml` that still knows on which line each key was written. */
export interface YamlSource {
  /** The document as plain data (a repeated key keeps its last value); undefined after a syntax error. */
  readonly data: unknown;
  /** Syntax errors and duplicate keys, each with its line. */
  readonly issues: readonly ConfigIssue[];
  /** The line of the key or list entry at `path`, or of its nearest enclosing one that exists. */
  lineOf(path: readonly PathSegment[]): number | undefined;
  /** The deepest key or list entry written on `line`, if any. */
  pathAt(line: number): PathSegment[] | undefined;
}

/**
 * Parses YAML the way Nodepool reads its file (PyYAML, YAML 1.1): `yes`/`no`/`on`/`off` are
 * booleans and `<<` merge keys work. A key repeated in the same mapping is an error, where
 * PyYAML would silently keep the last value.
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', merge: true, uniqueKeys: false, lineCounter });
  const lines = new Map<string, number>();
  const issues: ConfigIssue[] = document.errors.map((error) => ({
    path: [],
    message: `YAML syntax error: ${error.message.split(' at line ')[0]}`,
    line: error.linePos?.[0].line,
  }));
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;

  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || pair.key.value === '<<' || !pair.key.range) continue;
        const keyPath = [...path, String(pair.key.value)];
        const line = lineAt(pair.key.range[0]);
        const first = lines.get(pathKey(keyPath));
        if (first !== undefined) {
          issues.push({ path: keyPath, message: `duplicate key (first set on line ${first})`, line });
          continue;
        }
        lines.set(pathKey(keyPath), line);
        visit(pair.value, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const range = (item as Node | null)?.range;
        if (range) lines.set(pathKey([...path, index]), lineAt(range[0]));
        visit(item, [...path, index]);
      });
    }
  };
  if (document.errors.length === 0) visit(document.contents, []);

  let data: unknown;
  if (document.errors.length === 0) {
    try {
      data = document.toJS();
    } catch (error) {
      // yaml refuses aliases that expand too far ("billion laughs"); the caller names the file.
      issues.push({ path: [], message: `YAML refused: ${(error as Error).message}` });
    }
  }

  return {
    data,
    issues,
    lineOf(path) {
      for (let length = path.length; length > 0; length--) {
        const line = lines.get(pathKey(path.slice(0, length)));
        if (line !== undefined) return line;
      }
      return undefined;
    },
    pathAt(line) {
      let deepest: PathSegment[] | undefined;
      for (const [key, at] of lines) {
        const path = JSON.parse(key) as PathSegment[];
        if (at === line && (!deepest || path.length > deepest.length)) deepest = path;
      }
      return deepest;
    },
  };
}

function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}
