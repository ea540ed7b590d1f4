import tseslint from 'typescript-eslint'

const outerLayers = ['**/adapters/**', '**/functions/**', '**/agent/**', '**/local/**', '**/infra/**']

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.sst/**', 'sst-env.d.ts', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['sst.config.ts'],
    rules: { '@typescript-eslint/triple-slash-reference': 'off' },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['hono', 'hono/*', '@hono/*', '@aws-sdk/*', 'sst', 'sst/*', '@kubernetes/*'],
              message: 'core/ is pure domain: no hono, @aws-sdk, sst or @kubernetes.',
            },
            { group: outerLayers, message: 'core/ must not depend on outer layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['adapters/**/*.ts', 'functions/**/*.ts', 'local/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@kubernetes/*'], message: 'Only agent/ talks to Kubernetes.' }] },
      ],
    },
  },
  {
    // Local mode runs the in-cluster agent on its fake clusters: the one local file that builds a KubeConfig for it.
    files: ['local/member-clusters.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
)
