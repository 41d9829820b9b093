import type { Cassette } from './cassette.js';
import { ModelCallError, type ModelProvider, type ModelRequest, type ModelResponse } from './provider.js';

/** Plays a cassette turn by turn; the default model for tests, the demo and eval. */
export class ScriptedProvider implements ModelProvider {
  readonly name: string;
  private position = 0;

  constructor(private readonly cassette: Cassette) {
    this.name = `scripted:${cassette.name}`;
  }

  seek(turnsPlayed: number): void {
    this.position = turnsPlayed;
  }

  next(request: ModelRequest): Promise<ModelResponse> {
    const turn = this.cassette.turns[this.position];
    if (turn === undefined) {
      return Promise.reject(
        new ModelCallError(
          `cassette "${this.cassette.name}" has no turn ${this.position + 1} (it has ${this.cassette.turns.length}); the run needed another model turn in phase ${request.phase}`,
          false,
        ),
      );
    }
    if (turn.expect !== undefined && turn.expect !== request.phase) {
      return Promise.reject(
        new ModelCallError(
          `cassette "${this.cassette.name}" turn ${this.position + 1} expects phase ${turn.expect}, but the run is in ${request.phase}`,
          false,
        ),
      );
    }
    this.position += 1;
    const { expect: _expect, ...modelTurn } = turn;
    const text = JSON.stringify(modelTurn);
    const usage = turn.usage ?? { inputTokens: 0, outputTokens: Math.ceil(text.length / 4) };
    return Promise.resolve({ turn: modelTurn, usage: { ...usage, costUsd: 0 } });
  }
}
