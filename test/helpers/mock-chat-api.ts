// The loopback Chat Completions server ships with the eval (model-fault scenarios); tests use the same one.
export * from '../../src/eval/chat-completions-server.js';
