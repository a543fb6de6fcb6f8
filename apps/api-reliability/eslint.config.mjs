import baseConfig from '../../eslint.config.mjs';

/**
 * The root config lets `type:e2e` projects depend on `type:util` only (browser e2e drives a deployed app). This suite
 * also builds the app in-process (`createTestApp`) for the hostile-input, auth and isolation specs, so it needs the
 * api libraries' testing entry points. Same constraints otherwise.
 */
const [boundaries] = baseConfig
  .filter((entry) => entry.rules?.['@nx/enforce-module-boundaries'])
  .map((entry) => entry.rules['@nx/enforce-module-boundaries']);
const [level, options] = boundaries;

export default [
  ...baseConfig,
  {
    files: ['**/*.ts', '**/*.cts', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        level,
        {
          ...options,
          depConstraints: options.depConstraints.map((constraint) =>
            constraint.sourceTag === 'type:e2e'
              ? {
                  ...constraint,
                  onlyDependOnLibsWithTags: [
                    'type:feature',
                    'type:data-access',
                    'type:util',
                  ],
                }
              : constraint,
          ),
        },
      ],
    },
  },
];
