// Loaded first in each vitest test worker by agentctl's reporter (onInit): node keeps 10 stack frames, too few
// to still show vitest's hook runner under a hook's call into production code. jest sets 100 itself.
Error.stackTraceLimit = 100;
