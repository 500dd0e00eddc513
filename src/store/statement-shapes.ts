import {
  BinaryOperationNode,
  DeleteQueryNode,
  OperationNodeTransformer,
  OperatorNode,
  PrimitiveValueListNode,
  SelectQueryNode,
  UpdateQueryNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * Keeps the number of distinct SQL texts small. SQLite compiles every text into a prepared
 * statement (cached by text, see `database.ts`); a multi-row insert or an `in (…)` list with a new
 * length is a new text, and each compiled statement holds native memory until it is garbage
 * collected. A Graph sync of 20,000 users prepared 1,300 of them and grew the process by 120 MB.
 * With lengths limited to powers of two, a query has at most a dozen shapes.
 */

/**
 * Keys per `in (…)` read. Reads need no power-of-two batches: the plugin below pads each list, so
 * one query per 512 keys keeps the shapes few.
 */
export const inListSize = 512;

/** Splits items into consecutive chunks of at most `size` (an in-list's worth by default). */
export function chunks<T>(items: readonly T[], size = inListSize): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Splits rows into batches of `max`, then the rest into power-of-two sizes (64, 32, … 1). */
export function statementBatches<T>(rows: readonly T[], max: number): T[][] {
  const batches: T[][] = [];
  let at = 0;
  while (rows.length - at >= max) {
    batches.push(rows.slice(at, at + max));
    at += max;
  }
  for (let size = highestPowerOfTwo(rows.length - at); at < rows.length; size /= 2) {
    if (rows.length - at >= size) {
      batches.push(rows.slice(at, at + size));
      at += size;
    }
  }
  return batches;
}

/**
 * Pads `in (…)` and `not in (…)` lists to the next power of two by repeating their last value,
 * which changes nothing about what they match. Kysely has no such option; a plugin is the hook it
 * offers for rewriting queries before they are compiled.
 */
export class StableInListsPlugin implements KyselyPlugin {
  readonly #padder = new InListPadder();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    // Only the where clause is rewritten (rebuilding a whole tree costs more than a query saves),
    // and the query is left as it was unless a list was padded.
    if (!(SelectQueryNode.is(node) || UpdateQueryNode.is(node) || DeleteQueryNode.is(node))) return node;
    if (node.where === undefined) return node;
    this.#padder.padded = false;
    const where = this.#padder.transformNode(node.where);
    return this.#padder.padded ? Object.freeze({ ...node, where }) : node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

class InListPadder extends OperationNodeTransformer {
  padded = false;

  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const transformed = super.transformBinaryOperation(node);
    const operator = transformed.operator;
    const list = transformed.rightOperand;
    if (!OperatorNode.is(operator) || (operator.operator !== 'in' && operator.operator !== 'not in')) {
      return transformed;
    }
    if (!PrimitiveValueListNode.is(list) || list.values.length < 2) return transformed;
    const values = list.values;
    const target = 2 ** Math.ceil(Math.log2(values.length));
    if (target === values.length) return transformed;
    this.padded = true;
    const padded = [...values, ...Array<unknown>(target - values.length).fill(values[values.length - 1])];
    return BinaryOperationNode.create(
      transformed.leftOperand,
      transformed.operator,
      PrimitiveValueListNode.create(padded),
    );
  }
}

function highestPowerOfTwo(n: number): number {
  return n <= 0 ? 1 : 2 ** Math.floor(Math.log2(n));
}
