// The loopback Messages API server ships with the eval (model-fault scenarios); tests use the same one.
export * from '../../src/eval/messages-api-server.js';
