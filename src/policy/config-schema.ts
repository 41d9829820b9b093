import { z } from 'zod';

export const RUNNERS = ['vitest', 'jest', 'node', 'mocha', 'ava', 'pytest', 'junit'] as const;
export const Runner = z.enum(RUNNERS);
export type Runner = z.infer<typeof Runner>;

const Argv = z.array(z.string().min(1)).min(1);

/** What one model costs, in USD per million tokens; the defaults in src/model/pricing.ts are estimates. */
export const ModelPrice = z
  .object({
    inputPerMTok: z.number().min(0),
    outputPerMTok: z.number().min(0),
    cacheReadPerMTok: z.number().min(0),
    cacheWritePerMTok: z.number().min(0),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPrice>;

const EnvVars = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
  .describe('Environment variables the tests need; the only ones added to the scrubbed environment');

/** A folder of the repository as a workspace package names it: relative, forward slashes, no `..`. */
const PackageDir = z
  .string()
  .min(1)
  .regex(
    /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[^\\\0]*[^/]$/,
    'a relative folder such as "packages/money", without ".", ".." or a trailing slash',
  )
  .describe('The package folder, relative to the repo root');

/** One workspace package's own test suite: its runner runs with the package folder as working directory. */
export const PackageSuite = z
  .object({
    dir: PackageDir,
    runner: Runner.describe('Which runner the package uses'),
    command: Argv.optional().describe('argv prefix that runs the package tests, run in the package folder'),
    junitReport: z
      .string()
      .optional()
      .describe('For runner "junit": where the command writes its JUnit XML, relative to the package folder'),
    env: EnvVars.optional(),
  })
  .strict();
export type PackageSuite = z.infer<typeof PackageSuite>;

/** How the tests run: one runner at the root, or one runner per workspace package (`packages`). */
export const TestSettings = z
  .object({
    runner: Runner.optional().describe(
      'Which adapter reads the test results; omit it when "packages" is set',
    ),
    command: Argv.optional().describe(
      'argv prefix that runs the tests, without report flags; default per runner (e.g. ["npx","vitest","run"])',
    ),
    junitReport: z
      .string()
      .optional()
      .describe('For runner "junit": where the command writes its JUnit XML, relative to the repo root'),
    timeoutMs: z.number().int().min(1000).max(3_600_000).default(300_000),
    env: EnvVars.optional(),
    packages: z
      .array(PackageSuite)
      .min(1)
      .optional()
      .describe(
        'Workspace packages on their own runners; the suite is every package run in its folder, instead of one root runner',
      ),
  })
  .strict()
  .superRefine((test, ctx) => {
    if (test.packages === undefined) {
      if (test.runner === undefined)
        ctx.addIssue({ code: 'custom', path: ['runner'], message: 'a runner is required (or "packages")' });
      return;
    }
    for (const key of ['runner', 'command', 'junitReport'] as const)
      if (test[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" belongs to each package when "packages" is set`,
        });
    const dirs = test.packages.map((p) => p.dir);
    dirs.forEach((dir, i) => {
      const clash = dirs.find((other, j) => j !== i && (other === dir || dir.startsWith(`${other}/`)));
      if (clash !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['packages', i, 'dir'],
          message: `"${dir}" is inside (or the same as) package "${clash}"; each file belongs to one package`,
        });
    });
  });
export type TestSettings = z.infer<typeof TestSettings>;

/** agentctl.config.json, the single source of truth for a repo's policy. */
export const Config = z
  .object({
    $schema: z.string().optional(),
    test: TestSettings,
    paths: z
      .object({
        allow: z.array(z.string()).min(1).default(['**']),
        deny: z
          .array(z.string())
          .default(['**/*.lock', 'package-lock.json', '.github/**', '.env*', '**/.env*']),
        tests: z
          .array(z.string())
          .min(1)
          .optional()
          .describe(
            'Globs of test files; default: common test locations. Files the runner itself discovers as tests count as tests either way',
          ),
        testConfig: z
          .array(z.string())
          .optional()
          .describe(
            "Extra globs of test configuration to lock; the runners' config files, transpiler configs and .npmrc are always locked",
          ),
      })
      .strict()
      .prefault({}),
    tests: z
      .object({
        allowChangedExpectations: z
          .boolean()
          .default(true)
          .describe(
            "Whether a test patch may change an existing test's expectation (when the changed test fails on base by an assertion and the task or the stated reason names the behaviour reversed); false: existing tests never change",
          ),
      })
      .strict()
      .prefault({}),
    repair: z
      .object({ maxAttempts: z.number().int().min(1).max(20).default(3) })
      .strict()
      .prefault({}),
    budgets: z
      .object({
        maxTurns: z.number().int().min(1).default(40),
        maxInputTokens: z.number().int().min(1).default(2_000_000),
        maxOutputTokens: z.number().int().min(1).default(200_000),
        maxCostUsd: z.number().min(0).default(5),
        maxWallMs: z.number().int().min(1000).default(3_600_000),
      })
      .strict()
      .prefault({}),
    sandbox: z
      .object({
        mode: z.enum(['auto', 'required', 'off']).default('auto'),
        allowBinaryPatches: z.boolean().default(false),
        maxPatchBytes: z
          .number()
          .int()
          .min(1)
          .default(1024 * 1024),
        maxOutputBytes: z
          .number()
          .int()
          .min(1024)
          .default(1024 * 1024),
      })
      .strict()
      .prefault({}),
    model: z
      .string()
      .optional()
      .describe(
        'Default model: "scripted:<cassette.json>", "anthropic:<model>", "openai:<model>", "ollama:<model>", "openai-compatible:<model>" or a bare claude-*/gpt-*/o* name',
      ),
    pricing: z
      .record(z.string().min(1), ModelPrice)
      .default({})
      .describe(
        'USD per million tokens by model name (or name prefix), merged over the built-in estimates; used for the cost budget',
      ),
    modelOptions: z
      .object({
        maxTokensPerTurn: z.number().int().min(256).max(128_000).default(8192),
        maxRetries: z.number().int().min(0).max(10).default(4),
        requestTimeoutMs: z.number().int().min(1000).max(1_800_000).default(300_000),
        keepToolResults: z.number().int().min(1).max(100).default(6),
        baseUrl: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe('Endpoint of openai-compatible:<model>, e.g. http://127.0.0.1:8080/v1'),
        apiKeyEnv: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
          .optional()
          .describe(
            'Environment variable holding the key of openai-compatible:<model> (default OPENAI_API_KEY)',
          ),
      })
      .strict()
      .prefault({})
      .describe(
        'How the model providers call their API: output cap per turn, retries, timeout, context pruning, and the endpoint and key variable of openai-compatible:<model>',
      ),
    approval: z
      .object({
        mode: z.enum(['prompt', 'auto']).default('prompt'),
        maxAutoApproveLines: z.number().int().min(1).default(400),
      })
      .strict()
      .prefault({}),
    commands: z
      .object({
        allow: z.array(Argv).default([]),
        deny: z.array(Argv).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
