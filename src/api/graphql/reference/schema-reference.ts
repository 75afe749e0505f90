import {
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type GraphQLUnionType,
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  isUnionType,
  lexicographicSortSchema,
  print,
} from 'graphql';

/**
 * The GraphQL reference as Markdown (`docs/reference/graphql.md`): every query, mutation and
 * subscription with its arguments, then every type, input, enum, scalar, interface and union,
 * with descriptions and deprecations. Sorted, so the same schema always gives the same text.
 */
export function schemaReference(unsorted: GraphQLSchema): string {
  const schema = lexicographicSortSchema(unsorted);
  const types = Object.values(schema.getTypeMap()).filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type));
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((type) => type !== null && type !== undefined));
  const objects = types.filter((type): type is GraphQLObjectType => isObjectType(type) && !roots.has(type));
  const sections: Array<[string, string[]]> = [
    ['Queries', operations('query', schema.getQueryType())],
    ['Mutations', operations('mutation', schema.getMutationType())],
    ['Subscriptions', operations('subscription', schema.getSubscriptionType())],
    ['Objects', objects.map(objectSection)],
    ['Interfaces', types.filter(isInterfaceType).map(objectSection)],
    ['Unions', types.filter(isUnionType).map(unionSection)],
    ['Inputs', types.filter(isInputObjectType).map(inputSection)],
    ['Enums', types.filter(isEnumType).map(enumSection)],
    ['Scalars', types.filter((type) => isScalarType(type)).map((type) => namedSection(type, []))],
    [
      'Directives',
      schema
        .getDirectives()
        .filter((directive) => !isSpecifiedDirective(directive))
        .map((d) => `### @${d.name}\n\n${d.description ?? ''}\n`),
    ],
  ];
  const present = sections.filter(([, entries]) => entries.length > 0);
  return [
    '# GraphQL API reference',
    '',
    '<!-- Generated from the server’s schema by `npm run docs` (src/cli/write-docs.ts); do not edit. A test fails when it drifts. -->',
    '',
    'The management API of fngraph: `POST /graphql` (queries and mutations), graphql-ws on the same path (subscriptions). The schema itself is `schema/schema.graphql`; the REST surface is described by `docs/reference/openapi.json` and, on a running server, `GET /openapi.json`.',
    '',
    present.map(([title, entries]) => `- [${title}](#${title.toLowerCase()}) (${entries.length})`).join('\n'),
    '',
    ...present.map(([title, entries]) => `## ${title}\n\n${entries.join('\n')}`),
  ].join('\n');
}

function operations(kind: string, root: GraphQLObjectType | null | undefined): string[] {
  if (!root) return [];
  return Object.values(root.getFields()).map((field) => {
    const signature = `${field.name}${field.args.length > 0 ? `(${field.args.map((arg) => `${arg.name}: ${String(arg.type)}${defaultOf(arg)}`).join(', ')})` : ''}: ${String(field.type)}`;
    return [
      `### ${anchor(`${kind}-${field.name}`)}${field.name}`,
      '',
      ...deprecation(field.deprecationReason),
      ...paragraph(field.description),
      '```graphql',
      signature,
      '```',
      '',
      `Returns ${typeLink(field.type)}.`,
      '',
      ...argumentsTable(field.args),
    ].join('\n');
  });
}

function objectSection(type: GraphQLObjectType | GraphQLInterfaceType): string {
  const interfaces = type.getInterfaces();
  const implementsLine = interfaces.length > 0 ? [`Implements ${interfaces.map((i) => typeLink(i)).join(', ')}.`, ''] : [];
  const rows = Object.values(type.getFields()).map((field) => [fieldName(field), typeLink(field.type), fieldDescription(field)]);
  return namedSection(type, [...implementsLine, ...table(['Field', 'Type', 'Description'], rows)]);
}

function inputSection(type: GraphQLInputObjectType): string {
  const rows = Object.values(type.getFields()).map((field) => [
    `\`${field.name}\``,
    typeLink(field.type),
    defaultOf(field).replace(/^ = /, ''),
    describe(field),
  ]);
  const table4 = table(
    ['Field', 'Type', 'Default', 'Description'],
    rows.map(([name, link, fallback, text]) => [name, link, fallback ? `\`${fallback}\`` : '', text]),
  );
  return namedSection(type, table4);
}

function enumSection(type: GraphQLEnumType): string {
  return namedSection(
    type,
    table(
      ['Value', 'Description'],
      type.getValues().map((value) => [`\`${value.name}\``, describe(value)]),
    ),
  );
}

function unionSection(type: GraphQLUnionType): string {
  return namedSection(type, [
    `One of ${type
      .getTypes()
      .map((member) => typeLink(member))
      .join(', ')}.`,
    '',
  ]);
}

function namedSection(type: GraphQLNamedType, body: string[]): string {
  return [`### ${anchor(`type-${type.name}`)}${type.name}`, '', ...paragraph(type.description), ...body].join('\n');
}

/** A field with its arguments, as the row of a type's table. */
function fieldName(field: GraphQLField<unknown, unknown>): string {
  if (field.args.length === 0) return `\`${field.name}\``;
  return `\`${field.name}(${field.args.map((arg) => `${arg.name}: ${String(arg.type)}${defaultOf(arg)}`).join(', ')})\``;
}

function fieldDescription(field: GraphQLField<unknown, unknown>): string {
  const args = field.args
    .filter((arg) => arg.description || arg.deprecationReason)
    .map((arg) => `\`${arg.name}\`: ${describe(arg)}`)
    .join('<br>');
  return [describe(field), args].filter((text) => text !== '').join('<br>');
}

function argumentsTable(args: readonly GraphQLArgument[]): string[] {
  if (args.length === 0) return [];
  return table(
    ['Argument', 'Type', 'Default', 'Description'],
    args.map((arg) => {
      const fallback = defaultOf(arg).replace(/^ = /, '');
      return [`\`${arg.name}\``, typeLink(arg.type), fallback ? `\`${fallback}\`` : '', describe(arg)];
    }),
  );
}

/** A description and deprecation as one table cell. */
function describe(item: { description?: string | null; deprecationReason?: string | null }): string {
  const parts = [item.deprecationReason ? `**Deprecated:** ${item.deprecationReason}` : '', item.description ?? ''].filter((text) => text !== '');
  return cell(parts.join(' '));
}

function deprecation(reason: string | null | undefined): string[] {
  return reason ? [`> **Deprecated:** ${reason}`, ''] : [];
}

function paragraph(text: string | null | undefined): string[] {
  return text ? [text, ''] : [];
}

/** A Markdown table; a `Default` column without any default is left out. */
function table(allHeaders: string[], allRows: string[][]): string[] {
  if (allRows.length === 0) return [];
  const defaults = allHeaders.indexOf('Default');
  const keep = (_: string, index: number) => index !== defaults || allRows.some((row) => row[defaults] !== '');
  const headers = allHeaders.filter(keep);
  const rows = allRows.map((row) => row.filter(keep));
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`), ''];
}

/** Table cells hold one line: pipes escaped, line breaks as `<br>`. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function anchor(id: string): string {
  return `<a id="${id}"></a>`;
}

/** `[Function!]!` linked to the named type's section (built-in scalars are not linked). */
function typeLink(type: GraphQLType): string {
  const named = getNamedType(type);
  const text = `\`${String(type)}\``;
  return isSpecifiedScalarType(named) ? text : `[${text}](#type-${named.name})`;
}

function defaultOf(item: GraphQLArgument | GraphQLInputField): string {
  if (item.defaultValue === undefined) return '';
  const ast = astFromValue(item.defaultValue, item.type);
  return ast ? ` = ${print(ast)}` : '';
}
