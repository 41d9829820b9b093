import type { RunState } from '../core/state.js';
import type { ReviewDecision, ReviewRequest } from '../runtime/context.js';
import type { RunHooks as SetupHooks } from '../runtime/run-setup.js';
import { parseReplLine, type ReplCommand } from './repl-commands.js';
import { memoryHistory, withLine, type HistoryStore } from './repl-history.js';
import { budgetLines, diffLines, helpLines, outcomeLines, statusLine } from './repl-text.js';
import { newRunView, viewProgress, type LogLine, type RunView } from './run-view.js';
import type { Tone } from './theme.js';

/** How a run handed to the REPL ended (or paused). */
export interface RunOutcome {
  runId: string;
  runDir: string;
  state: RunState;
  paused: null | 'interrupted' | 'awaiting_review';
  /** A resumed run that had already ended: nothing was done. */
  alreadyFinished?: boolean;
}

/** What a run started from the REPL gets from it: the run setup's hooks, always with a person to answer ask_user. */
export interface RunHooks extends SetupHooks {
  askUser: (question: string) => Promise<string>;
}

/** The REPL's effects, wired by src/cli/commands/repl.ts (and by fakes in tests). */
export interface ReplDeps {
  who: string;
  /** The model named in agentctl.config.json, if any. */
  configuredModel(): Promise<string | undefined>;
  /** Throws (with a message for the user) when a model spec cannot be used. */
  checkModel(spec: string): Promise<void>;
  startRun(task: string, model: string, hooks: RunHooks): Promise<RunOutcome>;
  /** Continues a journaled run; `model` overrides the one the journal names. Absent: resume is not available. */
  resumeRun?(runId: string, model: string | undefined, hooks: RunHooks): Promise<RunOutcome>;
  listRuns(): Promise<Array<{ runId: string; mtime: Date }>>;
  /** Where typed lines are kept between sessions; in memory when absent. */
  history?: HistoryStore;
  now?: () => number;
}

/** Everything the REPL renders; a new object on every change. */
export interface ReplSnapshot {
  log: LogLine[];
  run: RunView | null;
  busy: boolean;
  review: ReviewRequest | null;
  /** The model's ask_user question, while it waits for the next line typed at the prompt. */
  question: string | null;
  model: string | null;
  history: string[];
  /** Set when the REPL should close, with its exit code. */
  exit: number | null;
}

function errorText(err: unknown): [string, string | undefined] {
  const e = err as { message?: string; hint?: string };
  return [e.message ?? String(err), e.hint];
}

/**
 * The REPL's state and commands, outside React: the component renders snapshots and forwards keys and
 * decisions here. Holds no gate or policy logic; runs are started through `deps.startRun`.
 */
export class ReplSession {
  private snap: ReplSnapshot = {
    log: [],
    run: null,
    busy: false,
    review: null,
    question: null,
    model: null,
    history: [],
    exit: null,
  };
  private listeners = new Set<() => void>();
  private nextId = 0;
  private pending: ((d: ReviewDecision) => void) | null = null;
  private answer: ((text: string) => void) | null = null;
  private stop = false;
  private interrupts = 0;
  private active: Promise<void> = Promise.resolve();
  private readonly history: HistoryStore;
  readonly now: () => number;

  constructor(private readonly deps: ReplDeps) {
    this.now = deps.now ?? Date.now;
    this.history = deps.history ?? memoryHistory();
    this.snap = { ...this.snap, history: this.history.load() };
  }

  /** For React's useSyncExternalStore: called on every change. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current snapshot; the same object until something changes. */
  getSnapshot = (): ReplSnapshot => this.snap;

  /** Resolves once no run is in progress. */
  settled(): Promise<void> {
    return this.active;
  }

  /** Appends one line to the scrollback. */
  print(text: string, tone: Tone = 'plain'): void {
    this.set({ log: [...this.snap.log, { id: this.nextId++, text, tone }] });
  }

  /** Handles one line typed at the prompt. */
  submit(line: string): void {
    this.interrupts = 0;
    // While the model waits on a question, the next non-empty line is the answer, whatever it looks like.
    if (this.answer !== null && line.trim() !== '') {
      const resolve = this.answer;
      this.answer = null;
      this.set({ question: null, history: [...this.snap.history, line] });
      this.print(`› ${line}`, 'command');
      resolve(line.trim());
      return;
    }
    const command = parseReplLine(line);
    if (command.kind === 'empty') return;
    this.history.append(line);
    this.set({ history: withLine(this.snap.history, line) });
    this.print(`› ${line}`, 'command');
    this.run(command).catch((err: unknown) => this.printError(err));
  }

  /** The reviewer's decision about the patch on screen. */
  decide(decision: ReviewDecision): void {
    const resolve = this.pending;
    if (resolve === null) return;
    this.pending = null;
    this.set({ review: null });
    resolve(decision);
  }

  /** Ctrl-D on an empty line: leaves, as /quit does (and like /quit, not while a run is in progress). */
  endOfInput(): void {
    this.run({ kind: 'quit' }).catch((err: unknown) => this.printError(err));
  }

  /** Ctrl-C: once asks the run to stop at the next safe boundary; twice leaves. */
  interrupt(): void {
    this.interrupts += 1;
    if (this.interrupts >= 2) {
      this.leave(this.snap.busy ? 130 : 0);
      return;
    }
    if (!this.snap.busy) {
      this.print('press Ctrl-C again to leave, or type /quit', 'dim');
      return;
    }
    this.stop = true;
    this.print('stopping at the next safe boundary (Ctrl-C again to leave)…', 'warn');
    this.decide({ decision: 'quit', by: this.deps.who, reason: 'interrupted (Ctrl-C)' });
    this.dropQuestion();
  }

  /** A question nobody will answer any more: the run hears so and goes on to its next boundary. */
  private dropQuestion(): void {
    const resolve = this.answer;
    if (resolve === null) return;
    this.answer = null;
    this.set({ question: null });
    resolve('The user stopped the run; no answer.');
  }

  private leave(code: number): void {
    this.stop = true;
    this.decide({ decision: 'quit', by: this.deps.who, reason: 'the REPL was closed' });
    this.dropQuestion();
    this.set({ exit: code });
  }

  private async run(command: ReplCommand): Promise<void> {
    switch (command.kind) {
      case 'empty':
        return;
      case 'usage':
        return this.print(command.message, 'warn');
      case 'help':
        return helpLines().forEach(([t, tone]) => this.print(t, tone));
      case 'quit':
        if (this.snap.busy)
          return this.print('a run is in progress: Ctrl-C stops it at a checkpoint', 'warn');
        return this.leave(0);
      case 'model':
        await this.deps.checkModel(command.spec);
        this.set({ model: command.spec });
        return this.print(`model: ${command.spec}`, 'ok');
      case 'status':
        return this.print(...statusLine(this.snap.run, this.snap.model, this.snap.busy));
      case 'budget':
        return budgetLines(this.snap.run?.state ?? null).forEach(([t, tone]) => this.print(t, tone));
      case 'diff':
        return diffLines(this.snap.run?.lastPatch ?? null).forEach(([t, tone]) => this.print(t, tone));
      case 'runs': {
        const runs = await this.deps.listRuns();
        if (runs.length === 0) return this.print('no runs in .agentctl/runs yet', 'dim');
        const mine = this.snap.run?.runId;
        for (const r of runs)
          this.print(`  ${r.runId}  ${r.mtime.toISOString()}${r.runId === mine ? '  (this session)' : ''}`);
        return;
      }
      case 'resume': {
        const resume = this.deps.resumeRun?.bind(this.deps);
        if (resume === undefined) return this.print('resume is not available yet', 'warn');
        const model = this.snap.model ?? undefined;
        return this.launch(`resume ${command.runId}`, (hooks) => resume(command.runId, model, hooks));
      }
      case 'fix': {
        const model = this.snap.model ?? (await this.deps.configuredModel());
        if (model === undefined)
          return this.print(
            'no model: use /model scripted:<cassette.json>, or set "model" in agentctl.config.json',
            'error',
          );
        return this.launch(command.task, (hooks) => this.deps.startRun(command.task, model, hooks));
      }
      default: {
        const never: never = command;
        return never;
      }
    }
  }

  /** Runs one start or resume in the background, feeding its progress and reviews into the snapshot. */
  private launch(task: string, go: (hooks: RunHooks) => Promise<RunOutcome>): void {
    if (this.snap.busy) return this.print('a run is already in progress (/status)', 'warn');
    this.stop = false;
    this.interrupts = 0;
    this.set({ busy: true, run: newRunView(task) });
    const target = {
      update: (fn: (v: RunView) => RunView) => this.set({ run: fn(this.snap.run ?? newRunView(task)) }),
      print: (text: string, tone: Tone) => this.print(text, tone),
      now: this.now,
    };
    const hooks: RunHooks = {
      approver: { review: (request) => this.askReview(request) },
      askUser: (question) => this.askQuestion(question),
      progress: viewProgress(target),
      stopRequested: () => this.stop,
    };
    const running = go(hooks)
      .then((outcome) =>
        outcomeLines(outcome, this.deps.resumeRun !== undefined).forEach(([t, tone]) => this.print(t, tone)),
      )
      .catch((err: unknown) => this.printError(err))
      .finally(() => {
        this.interrupts = 0;
        this.set({ busy: false, run: this.snap.run && { ...this.snap.run, step: null } });
      });
    this.active = running;
  }

  private askQuestion(question: string): Promise<string> {
    if (this.stop) return Promise.resolve('The user stopped the run; no answer.');
    this.print(`the model asks: ${question}`, 'bold');
    this.print('type your answer and press Enter', 'dim');
    return new Promise((resolve) => {
      this.answer = resolve;
      this.set({ question });
    });
  }

  private askReview(request: ReviewRequest): Promise<ReviewDecision> {
    if (this.stop) return Promise.resolve({ decision: 'quit', by: this.deps.who, reason: 'stop requested' });
    return new Promise((resolve) => {
      this.pending = resolve;
      this.set({ review: request });
    });
  }

  private printError(err: unknown): void {
    const [message, hint] = errorText(err);
    this.print(`agentctl: ${message}`, 'error');
    if (hint !== undefined) this.print(`  ${hint}`, 'dim');
  }

  private set(patch: Partial<ReplSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }
}
