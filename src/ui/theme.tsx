import { createContext, useContext, type ReactNode } from 'react';
import { Text, type TextProps } from 'ink';

/** What a piece of text means; the theme decides how that looks (or that it looks plain, under NO_COLOR). */
export type Tone =
  | 'plain'
  | 'dim'
  | 'bold'
  | 'accent'
  | 'ok'
  | 'error'
  | 'warn'
  | 'add'
  | 'del'
  | 'hunk'
  | 'model'
  | 'command';

const COLORED: Record<Tone, TextProps> = {
  plain: {},
  dim: { dimColor: true },
  bold: { bold: true },
  accent: { color: 'cyan', bold: true },
  ok: { color: 'green' },
  error: { color: 'red' },
  warn: { color: 'yellow' },
  add: { color: 'green' },
  del: { color: 'red' },
  hunk: { color: 'cyan' },
  model: { color: 'magenta' },
  command: { bold: true },
};

// NO_COLOR forbids colour, not emphasis: bold survives so the current phase and headings still stand out.
const MONOCHROME: Record<Tone, TextProps> = {
  ...Object.fromEntries(Object.keys(COLORED).map((k) => [k, {}])),
  bold: { bold: true },
  accent: { bold: true },
  command: { bold: true },
} as Record<Tone, TextProps>;

const ThemeContext = createContext<{ color: boolean }>({ color: true });

/** Turns colour on or off for every component below it. */
export function ThemeProvider({ color, children }: { color: boolean; children: ReactNode }) {
  return <ThemeContext.Provider value={{ color }}>{children}</ThemeContext.Provider>;
}

/** The ink text props for a tone under the current theme. */
export function useTone(): (tone: Tone) => TextProps {
  const { color } = useContext(ThemeContext);
  return (tone) => (color ? COLORED[tone] : MONOCHROME[tone]);
}

/** Text in a tone; wraps at the terminal's width like any ink Text. */
export function T({ tone = 'plain', children, ...rest }: TextProps & { tone?: Tone }) {
  const style = useTone();
  return (
    <Text {...style(tone)} {...rest}>
      {children}
    </Text>
  );
}

/** True unless NO_COLOR is set or the terminal is dumb (https://no-color.org). */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR === undefined && env.TERM !== 'dumb';
}
