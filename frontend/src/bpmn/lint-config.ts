/**
 * bpmnlint configuration for the browser, the same rule set the server checks on deploy: Camunda 8.8
 * compatibility (bpmnlint-plugin-camunda-compat `camunda-cloud-8-8`). bpmnlint resolves rules by name at
 * run time, which a bundle cannot do, so every rule is imported here and served by a small resolver.
 * Regenerate the import list if the plugin's 8.8 rule set changes.
 */
// @ts-nocheck -- the rule modules are untyped CommonJS
import compat from 'bpmnlint-plugin-camunda-compat';
import r0 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/implementation/index.js';
import r1 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/called-element.js';
import r2 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/duplicate-task-headers.js';
import r3 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/element-type/index.js';
import r4 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/error-reference.js';
import r5 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/event-based-gateway-target.js';
import r6 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/executable-process.js';
import r7 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/loop-characteristics.js';
import r8 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/message-reference.js';
import r9 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/io-mapping.js';
import r10 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-business-id.js';
import r11 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-cancel-execution-listener.js';
import r12 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-execution-listener-headers.js';
import r13 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-expression.js';
import r14 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-job-priority-definition.js';
import r15 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-loop.js';
import r16 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-multiple-none-start-events.js';
import r17 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/sequence-flow-condition.js';
import r18 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/start-event-form.js';
import r19 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/subscription.js';
import r20 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/timer/index.js';
import r21 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/user-task-definition.js';
import r22 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/user-task-form.js';
import r23 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/variable-name.js';
import r24 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/feel.js';
import r25 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/feel-compatibility.js';
import r26 from 'bpmnlint/rules/start-event-required.js';
import r27 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/connector-properties/index.js';
import r28 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/escalation-boundary-event-attached-to-ref.js';
import r29 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/escalation-reference.js';
import r30 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/link-event.js';
import r31 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/task-schedule.js';
import r32 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/secrets.js';
import r33 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/signal-reference.js';
import r34 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/wait-for-completion.js';
import r35 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/duplicate-execution-listeners.js';
import r36 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/execution-listener.js';
import r37 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-before-all-execution-listener.js';
import r38 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/priority-definition.js';
import r39 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/version-tag.js';
import r40 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/zeebe-user-task.js';
import r41 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/ad-hoc-sub-process.js';
import r42 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-interrupting-event-subprocess.js';
import r43 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/agent-tool-documentation.js';
import r44 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/agent-tool-output-key.js';
import r45 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/agent-fromai-contract.js';
import r46 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/task-listener.js';

const cache: Record<string, unknown> = {
  'bpmnlint-plugin-camunda-compat/implementation': r0,
  'bpmnlint-plugin-camunda-compat/called-element': r1,
  'bpmnlint-plugin-camunda-compat/duplicate-task-headers': r2,
  'bpmnlint-plugin-camunda-compat/element-type': r3,
  'bpmnlint-plugin-camunda-compat/error-reference': r4,
  'bpmnlint-plugin-camunda-compat/event-based-gateway-target': r5,
  'bpmnlint-plugin-camunda-compat/executable-process': r6,
  'bpmnlint-plugin-camunda-compat/loop-characteristics': r7,
  'bpmnlint-plugin-camunda-compat/message-reference': r8,
  'bpmnlint-plugin-camunda-compat/io-mapping': r9,
  'bpmnlint-plugin-camunda-compat/no-business-id': r10,
  'bpmnlint-plugin-camunda-compat/no-cancel-execution-listener': r11,
  'bpmnlint-plugin-camunda-compat/no-execution-listener-headers': r12,
  'bpmnlint-plugin-camunda-compat/no-expression': r13,
  'bpmnlint-plugin-camunda-compat/no-job-priority-definition': r14,
  'bpmnlint-plugin-camunda-compat/no-loop': r15,
  'bpmnlint-plugin-camunda-compat/no-multiple-none-start-events': r16,
  'bpmnlint-plugin-camunda-compat/sequence-flow-condition': r17,
  'bpmnlint-plugin-camunda-compat/start-event-form': r18,
  'bpmnlint-plugin-camunda-compat/subscription': r19,
  'bpmnlint-plugin-camunda-compat/timer': r20,
  'bpmnlint-plugin-camunda-compat/user-task-definition': r21,
  'bpmnlint-plugin-camunda-compat/user-task-form': r22,
  'bpmnlint-plugin-camunda-compat/variable-name': r23,
  'bpmnlint-plugin-camunda-compat/feel': r24,
  'bpmnlint-plugin-camunda-compat/feel-compatibility': r25,
  'bpmnlint/start-event-required': r26,
  'bpmnlint-plugin-camunda-compat/connector-properties': r27,
  'bpmnlint-plugin-camunda-compat/escalation-boundary-event-attached-to-ref': r28,
  'bpmnlint-plugin-camunda-compat/escalation-reference': r29,
  'bpmnlint-plugin-camunda-compat/link-event': r30,
  'bpmnlint-plugin-camunda-compat/task-schedule': r31,
  'bpmnlint-plugin-camunda-compat/secrets': r32,
  'bpmnlint-plugin-camunda-compat/signal-reference': r33,
  'bpmnlint-plugin-camunda-compat/wait-for-completion': r34,
  'bpmnlint-plugin-camunda-compat/duplicate-execution-listeners': r35,
  'bpmnlint-plugin-camunda-compat/execution-listener': r36,
  'bpmnlint-plugin-camunda-compat/no-before-all-execution-listener': r37,
  'bpmnlint-plugin-camunda-compat/priority-definition': r38,
  'bpmnlint-plugin-camunda-compat/version-tag': r39,
  'bpmnlint-plugin-camunda-compat/zeebe-user-task': r40,
  'bpmnlint-plugin-camunda-compat/ad-hoc-sub-process': r41,
  'bpmnlint-plugin-camunda-compat/no-interrupting-event-subprocess': r42,
  'bpmnlint-plugin-camunda-compat/agent-tool-documentation': r43,
  'bpmnlint-plugin-camunda-compat/agent-tool-output-key': r44,
  'bpmnlint-plugin-camunda-compat/agent-fromai-contract': r45,
  'bpmnlint-plugin-camunda-compat/task-listener': r46,
};

const resolver = {
  resolveRule(pkg: string, ruleName: string) {
    const rule = cache[`${pkg}/${ruleName}`];
    if (!rule) throw new Error(`cannot resolve rule <${pkg}/${ruleName}>`);
    return rule;
  },
  resolveConfig(pkg: string, name: string) {
    throw new Error(`cannot resolve config <${name}> in <${pkg}>`);
  },
};

/** Rule names as the plugin config lists them, prefixed with the plugin so the linter finds them. */
const rules: Record<string, unknown> = {};
for (const [name, value] of Object.entries(compat.configs['camunda-cloud-8-8'].rules)) {
  rules[name.startsWith('bpmnlint/') ? name : `camunda-compat/${name}`] = value;
}

export const lintConfig = { resolver, config: { rules } };
