// Packages without type declarations used by the embedded engine.
declare module 'bpmn-moddle';
declare module 'bpmnlint';
declare module 'bpmnlint/lib/resolver/node-resolver';
