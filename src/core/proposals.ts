import { z } from 'zod';

/** A path the model names, relative to the repo root. The path guard decides whether it may be written. */
const RepoPath = z
  .string()
  .min(1)
  .max(4096)
  .describe('Path relative to the repository root, forward slashes');

export const CreateEdit = z
  .object({
    op: z.literal('create'),
    path: RepoPath,
    content: z.string().describe('Full content of the new or replaced file'),
  })
  .describe('Create a file, or overwrite it entirely');

export const ReplaceEdit = z
  .object({
    op: z.literal('replace'),
    path: RepoPath,
    find: z.string().min(1).describe('Exact text that occurs exactly once in the file'),
    replace: z.string().describe('Text that takes its place'),
  })
  .describe('Replace one exact occurrence of text in an existing file');

export const DeleteEdit = z
  .object({ op: z.literal('delete'), path: RepoPath })
  .describe('Delete an existing file');

export const Edit = z.discriminatedUnion('op', [CreateEdit, ReplaceEdit, DeleteEdit]);
export type Edit = z.infer<typeof Edit>;

const PatchBody = {
  summary: z.string().min(1).max(2000).describe('One or two sentences: what the change does and why'),
  edits: z.array(Edit).min(1).max(50).optional().describe('Structured edits; give these or `diff`'),
  diff: z
    .string()
    .min(1)
    .optional()
    .describe('A unified diff against the current files; give this or `edits`'),
};

function oneBody(value: { edits?: unknown; diff?: unknown }, ctx: z.RefinementCtx): void {
  if ((value.edits === undefined) === (value.diff === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of `edits` or `diff`', path: ['edits'] });
  }
}

export const ProposeTestInput = z
  .object({
    ...PatchBody,
    changedExpectations: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe(
        "Only when the patch changes an existing test's expectation: why the old expectation was wrong, naming the test's title, or the function or value its changed assertion checks",
      ),
  })
  .superRefine(oneBody);
export type ProposeTestInput = z.infer<typeof ProposeTestInput>;

export const ProposeFixInput = z.object(PatchBody).superRefine(oneBody);
export type ProposeFixInput = z.infer<typeof ProposeFixInput>;

export const ProposeChangeInput = z.object(PatchBody).superRefine(oneBody);
export type ProposeChangeInput = z.infer<typeof ProposeChangeInput>;

export const AskUserInput = z.object({ question: z.string().min(1).max(2000) });
export const GiveUpInput = z.object({ reason: z.string().min(1).max(4000) });

export const ReadFileInput = z.object({
  path: RepoPath,
  startLine: z.number().int().min(1).optional(),
  endLine: z.number().int().min(1).optional(),
});
export const ListFilesInput = z.object({
  dir: z.string().optional().describe('Directory relative to the repo root; default the root'),
});
export const SearchTextInput = z.object({
  query: z.string().min(1).max(200).describe('Literal text to find'),
  glob: z.string().optional().describe('Only files matching this glob'),
});
export const ReadLastReportInput = z.object({
  full: z
    .boolean()
    .optional()
    .describe('true: every test of the report as JSON; default: only failing and new tests, one line each'),
});

/** Every tool the model can be offered. */
export const TOOL_NAMES = [
  'read_file',
  'list_files',
  'search_text',
  'read_last_report',
  'propose_test',
  'propose_fix',
  'propose_change',
  'ask_user',
  'give_up',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** The schema that validates each tool's input. */
export const ToolInputs = {
  read_file: ReadFileInput,
  list_files: ListFilesInput,
  search_text: SearchTextInput,
  read_last_report: ReadLastReportInput,
  propose_test: ProposeTestInput,
  propose_fix: ProposeFixInput,
  propose_change: ProposeChangeInput,
  ask_user: AskUserInput,
  give_up: GiveUpInput,
} as const satisfies Record<ToolName, z.ZodType>;

/** A tool call as the model made it, before validation. */
export const ToolCall = z.object({
  id: z.string().optional(),
  name: z.string(),
  input: z.unknown(),
});
export type ToolCall = z.infer<typeof ToolCall>;

/** One model turn: optional text and tool calls. */
export const ModelTurn = z.object({
  text: z.string().optional(),
  calls: z.array(ToolCall).default([]),
  usage: z.object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) }).optional(),
});
export type ModelTurn = z.infer<typeof ModelTurn>;

/**
 * A validated proposal, the only thing that can move the machine out of an authoring phase: one member per tool
 * that is not read-only, so a new tool is a new member `transition` must handle.
 */
export type Proposal = {
  [K in ProposalToolName]: { kind: K; input: z.infer<(typeof ToolInputs)[K]> };
}[ProposalToolName];

/** Whether each tool is read-only: read-only tools are answered in the turn and never change the run's phase. */
export const TOOL_READ_ONLY = {
  read_file: true,
  list_files: true,
  search_text: true,
  read_last_report: true,
  propose_test: false,
  propose_fix: false,
  propose_change: false,
  ask_user: false,
  give_up: false,
} as const satisfies Record<ToolName, boolean>;

/** The tools answered inside the turn, as TOOL_READ_ONLY says. */
export type ReadOnlyToolName = {
  [K in ToolName]: (typeof TOOL_READ_ONLY)[K] extends true ? K : never;
}[ToolName];

/** The tools whose call is a proposal. */
export type ProposalToolName = Exclude<ToolName, ReadOnlyToolName>;

/** The read-only tools, in TOOL_NAMES order. */
export const READ_ONLY_TOOLS: readonly ToolName[] = TOOL_NAMES.filter((name) => TOOL_READ_ONLY[name]);

/** Whether a called name is a read-only tool (narrowed, so its handlers can be checked for exhaustiveness). */
export function isReadOnlyTool(name: string): name is ReadOnlyToolName {
  return (READ_ONLY_TOOLS as readonly string[]).includes(name);
}

/** Structured, field-naming description of a zod failure, for the model and the journal. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}
