import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed document nodes for every operation the web app and the end-to-end tests send. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['../web/src/**/*.graphql', '../test/**/*.graphql'],
  generates: {
    'src/operations.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: { enumsAsTypes: true, useTypeImports: true, avoidOptionals: { field: true, inputValue: false }, scalars: { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>', SafeInt: 'number' } },
    },
  },
};
export default config;
