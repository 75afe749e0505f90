import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  getOperationAST,
  type GraphQLCompositeType,
  type GraphQLField,
  isCompositeType,
  isEnumType,
  isListType,
  Kind,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { type CostModel, SIZE_CLASS_WEIGHT } from './cost-model.js';

/** Arguments that say how many items a field returns. */
const PAGE_SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

/**
 * The cost of an operation: every value it may produce, each weighted by its size class,
 * multiplied by how many times it may be produced: a field with a page-size argument
 * (`first`/`last`/`limit`, from the document or the variables, else its default) multiplies
 * everything below it by that size, and an unpaged list by its bound (`CostModel`).
 * Object fields cost 1 plus their selections. Directives (`@skip`, `@include`) are ignored:
 * the cost is an upper bound. Runs on a validated document (no fragment cycles).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  model: CostModel,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return new CostWalk(schema, fragments, operation, variables ?? {}, model).selectionSet(operation.selectionSet, root);
}

class CostWalk {
  /** A fragment costs the same wherever it is spread: computed once. */
  private readonly fragmentCosts = new Map<string, number>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly model: CostModel,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) cost += this.field(selection, parent);
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        cost += this.selectionSet(selection.selectionSet, this.typeNamed(selection.typeCondition?.name.value) ?? parent);
      else cost += this.fragment(selection.name.value);
    }
    return cost;
  }

  private fragment(name: string): number {
    const known = this.fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    const type = fragment && this.typeNamed(fragment.typeCondition.name.value);
    const cost = fragment && type ? this.selectionSet(fragment.selectionSet, type) : 0;
    this.fragmentCosts.set(name, cost);
    return cost;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType): number {
    const name = node.name.value;
    // Introspection is off in production and bounded by the schema itself.
    if (name.startsWith('__')) return name === '__typename' ? SIZE_CLASS_WEIGHT.small : 0;
    const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
    if (!definition) return 0;
    const key = `${parent.name}.${name}`;
    const type = getNamedType(definition.type);
    const own =
      node.selectionSet && isCompositeType(type)
        ? 1 + this.selectionSet(node.selectionSet, type)
        : SIZE_CLASS_WEIGHT[this.model.sizeClasses.get(key) ?? 'small'];
    return this.multiplier(node, definition, key) * own;
  }

  /** How many times the field's value may be produced for one value of its parent. */
  private multiplier(node: FieldNode, definition: GraphQLField<unknown, unknown>, key: string): number {
    const pageArgument = definition.args.find((argument) => PAGE_SIZE_ARGUMENTS.has(argument.name));
    if (pageArgument) {
      const given = node.arguments?.find((argument) => argument.name.value === pageArgument.name);
      const size = given ? this.intValue(given.value) : undefined;
      const fallback = typeof pageArgument.defaultValue === 'number' ? pageArgument.defaultValue : this.model.defaultPageSize;
      return Math.max(1, size ?? fallback);
    }
    const list = getNullableType(definition.type);
    if (!isListType(list)) return 1;
    const bound = this.model.listBounds.get(key);
    if (bound !== undefined) return bound;
    // A connection's items: its field was multiplied by the page size already.
    if (key.endsWith('Connection.edges') || key.endsWith('Connection.nodes')) return 1;
    const item = getNamedType(list);
    return isEnumType(item) ? item.getValues().length : this.model.defaultListBound;
  }

  /** An Int literal or variable (its value, else its default); undefined when absent or null. */
  private intValue(value: ValueNode): number | undefined {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const name = value.name.value;
    const given = this.variables[name];
    if (typeof given === 'number') return given;
    if (given !== undefined) return undefined;
    const declared = this.operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
    return declared?.kind === Kind.INT ? Number(declared.value) : undefined;
  }

  private typeNamed(name: string | undefined): GraphQLCompositeType | undefined {
    const type = name ? this.schema.getType(name) : undefined;
    return type && isCompositeType(type) ? type : undefined;
  }
}
