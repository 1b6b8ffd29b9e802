import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from Ferry's own schema files: no running server needed.
const config: CodegenConfig = {
  schema: '../schema/*.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      // Fragments only share selections: results keep their plain types, no useFragment.
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Time: 'string', Cursor: 'string', Map: 'Record<string, string>', JSON: 'unknown' },
      },
    },
  },
};

export default config;
