/** The starter folders of `fngraph init`: a manifest and a handler that greets. */
export type TemplateName = 'js' | 'ts' | 'python';

export const TEMPLATE_NAMES: TemplateName[] = ['js', 'ts', 'python'];

const MANIFEST_HELP = `# The function's manifest, read by \`fngraph deploy\` (reference: the CLI section of fngraph's README).`;

function yamlManifest(name: string, language: string, handlerComment: string): string {
  return `${MANIFEST_HELP}
name: ${name}
description: Greets whoever calls it
language: ${language}
# runtime: ${language === 'python' ? 'python3.11' : 'nodejs20'}   # default: the server's default for the language
${handlerComment}
env:
  GREETING: Hello
  # API_TOKEN: { secret: API_TOKEN }   # read from the deployer's environment, stored as a secret
limits:
  timeout: 10   # seconds
  memory: 128   # MB
permissions:
  public: false
# schedules:
#   - cron: "0 3 * * *"
#     payload: { name: nightly }
`;
}

const TS_HANDLER = `// An fngraph function: the default export gets the HTTP-shaped event and returns the result.
interface FunctionEvent {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string | null;
  isBase64Encoded: boolean;
}

interface FunctionContext {
  invocationId: string;
  functionName: string;
  version: string;
}

function nameFrom(event: FunctionEvent): string {
  try {
    return (JSON.parse(event.body ?? '{}') as { name?: string }).name ?? event.query.name ?? 'world';
  } catch {
    return event.query.name ?? 'world';
  }
}

export default async (event: FunctionEvent, context: FunctionContext) => {
  const name = nameFrom(event);
  console.log(\`greeting \${name} from \${context.functionName} \${context.version}\`);
  return { message: \`\${process.env.GREETING ?? 'Hello'}, \${name}!\` };
};
`;

const JS_HANDLER = `// An fngraph function: the default export gets the HTTP-shaped event and returns the result.
function nameFrom(event) {
  try {
    return JSON.parse(event.body ?? '{}').name ?? event.query.name ?? 'world';
  } catch {
    return event.query.name ?? 'world';
  }
}

export default async (event, context) => {
  const name = nameFrom(event);
  console.log(\`greeting \${name} from \${context.functionName} \${context.version}\`);
  return { message: \`\${process.env.GREETING ?? 'Hello'}, \${name}!\` };
};
`;

const PY_HANDLER = `# An fngraph function: handler(event, context) gets the HTTP-shaped event and returns the result.
import json
import os


def name_from(event):
    try:
        return json.loads(event.get("body") or "{}").get("name") or event["query"].get("name") or "world"
    except ValueError:
        return event["query"].get("name") or "world"


def handler(event, context):
    name = name_from(event)
    print(f"greeting {name} from {context['functionName']} {context['version']}")
    return {"message": f"{os.environ.get('GREETING', 'Hello')}, {name}!"}
`;

/** The files of a template, by path. */
export function templateFiles(template: TemplateName, name: string): Record<string, string> {
  switch (template) {
    case 'ts':
      return {
        'fngraph.yaml': yamlManifest(name, 'typescript', '# handler: index.handler   # <module>.<export>; default: the default export of index'),
        'index.ts': TS_HANDLER,
        '.gitignore': 'node_modules/\n',
      };
    case 'js': {
      // The manifest as the "fngraph" key of package.json; npm dependencies go in "dependencies".
      const packageJson = {
        name,
        version: '1.0.0',
        private: true,
        type: 'module',
        description: 'Greets whoever calls it',
        dependencies: {},
        fngraph: { language: 'javascript', env: { GREETING: 'Hello' }, limits: { timeout: 10, memory: 128 }, permissions: { public: false } },
      };
      return { 'package.json': `${JSON.stringify(packageJson, null, 2)}\n`, 'index.js': JS_HANDLER, '.gitignore': 'node_modules/\n' };
    }
    case 'python':
      return {
        'fngraph.yaml': yamlManifest(name, 'python', '# handler: handler.handler   # <module>.<function>; default: handler in handler.py'),
        'handler.py': PY_HANDLER,
        'requirements.txt': '# pip requirements, one per line (e.g. six>=1.16): installed by the server at deploy\n',
        '.gitignore': '__pycache__/\n',
      };
  }
}
