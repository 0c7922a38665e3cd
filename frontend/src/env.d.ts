/// <reference types="vite/client" />
// Untyped bpmn-io packages (plain JS modules).
declare module 'bpmn-js-properties-panel';
declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
declare module 'bpmn-js-bpmnlint';
