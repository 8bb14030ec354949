import type { PermissionUpdate } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import type {
  ApprovalDecision,
  ApprovalRequester,
  ChoiceDecision,
  RequestApprovalOptions,
  RequestChoiceOptions,
} from '../../src/core/types.js';
import { tetherCanUseTool } from '../../src/runner/claude/can-use-tool.js';
import { ada } from './runner-contract.js';

type Answer<T> = (
  options: T,
) => Promise<ApprovalDecision | ChoiceDecision> | ApprovalDecision | ChoiceDecision;

/** A bridge stand-in with a person behind it who answers each card as `answer` says. */
function person(answers: {
  approval?: Answer<RequestApprovalOptions>;
  choice?: Answer<RequestChoiceOptions>;
}) {
  const asked: {
    kind: 'approval' | 'choice';
    threadId: string;
    options: RequestApprovalOptions | RequestChoiceOptions;
  }[] = [];
  const requester: ApprovalRequester = {
    async requestApproval(threadId, options) {
      asked.push({ kind: 'approval', threadId, options });
      return (await answers.approval?.(options)) as ApprovalDecision;
    },
    async requestChoice(threadId, options) {
      asked.push({ kind: 'choice', threadId, options });
      return (await answers.choice?.(options)) as ChoiceDecision;
    },
  };
  return { requester, asked };
}

const suggestions: PermissionUpdate[] = [
  {
    type: 'addRules',
    rules: [{ toolName: 'Bash', ruleContent: 'npm test' }],
    behavior: 'allow',
    destination: 'localSettings',
  },
];
const sdkOptions = (signal = new AbortController().signal) => ({
  signal,
  toolUseID: 'toolu_1',
  requestId: 'r1',
  suggestions,
});
const byAda = { type: 'user', user: ada } as const;

describe('tetherCanUseTool', () => {
  it('asks in the thread and lets the tool run when the person allows', async () => {
    const { requester, asked } = person({
      approval: () => ({ behavior: 'allow', scope: 'once', by: byAda }),
    });
    const canUseTool = tetherCanUseTool(requester, 'thread-7', { timeoutMs: 60_000 });
    const input = { command: 'npm test', description: 'Run tests' };
    const result = await canUseTool('Bash', input, sdkOptions());
    expect(result).toEqual({ behavior: 'allow', updatedInput: input });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      kind: 'approval',
      threadId: 'thread-7',
      options: { toolName: 'Bash', input, timeoutMs: 60_000 },
    });
  });

  it('keeps "Allow Bash 30m" to the bridge timer by default; on request passes SDK suggestions, kept to this session', async () => {
    const { requester } = person({ approval: () => ({ behavior: 'allow', scope: 'tool', by: byAda }) });
    const byDefault = await tetherCanUseTool(requester, 't')('Bash', { command: 'x' }, sdkOptions());
    expect(byDefault).toMatchObject({ behavior: 'allow' });
    expect(byDefault).not.toHaveProperty('updatedPermissions');
    const result = await tetherCanUseTool(requester, 't', { forwardSuggestions: true })(
      'Bash',
      { command: 'npm test' },
      sdkOptions(),
    );
    expect(result).toMatchObject({
      behavior: 'allow',
      updatedPermissions: [
        { type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test' }], destination: 'session' },
      ],
    });
  });

  it('sends the deny reason to the model, or says who denied', async () => {
    const withReason = person({ approval: () => ({ behavior: 'deny', reason: 'use pnpm', by: byAda }) });
    expect(
      await tetherCanUseTool(withReason.requester, 't')('Bash', { command: 'npm i' }, sdkOptions()),
    ).toEqual({
      behavior: 'deny',
      message: 'use pnpm',
    });
    const silent = person({ approval: () => ({ behavior: 'deny', by: byAda }) });
    expect(await tetherCanUseTool(silent.requester, 't')('Bash', { command: 'npm i' }, sdkOptions())).toEqual(
      {
        behavior: 'deny',
        message: 'Denied by Ada via telegram',
      },
    );
  });

  it('denies when nobody answers in time', async () => {
    const { requester } = person({ approval: () => ({ behavior: 'timeout' }) });
    expect(await tetherCanUseTool(requester, 't')('Write', { file_path: 'a' }, sdkOptions())).toEqual({
      behavior: 'deny',
      message: 'No one answered the approval request in time',
    });
  });

  it('passes the SDK abort signal on, so aborting cancels the card', async () => {
    const { requester, asked } = person({
      // Like a bridge: an aborted request resolves as a timeout.
      approval: (options) =>
        new Promise((resolve) =>
          options.signal?.addEventListener('abort', () => resolve({ behavior: 'timeout' })),
        ),
    });
    const controller = new AbortController();
    const pending = tetherCanUseTool(requester, 't')(
      'Bash',
      { command: 'sleep 100' },
      sdkOptions(controller.signal),
    );
    await Promise.resolve();
    expect(asked[0]?.options.signal).toBe(controller.signal);
    controller.abort();
    expect(await pending).toEqual({ behavior: 'deny', message: 'The approval request was cancelled' });
  });

  it('shows AskUserQuestion as a choice and answers with updatedInput.answers', async () => {
    const { requester, asked } = person({
      choice: () => ({ behavior: 'selected', index: 1, label: 'Round the total', by: byAda }),
    });
    const input = {
      questions: [
        {
          question: 'Which approach should I take?',
          header: 'Approach',
          multiSelect: false,
          options: [
            { label: 'Integer cents', description: 'exact' },
            { label: 'Round the total', description: 'simple' },
          ],
        },
      ],
    };
    const result = await tetherCanUseTool(requester, 't')('AskUserQuestion', input, sdkOptions());
    expect(asked[0]).toMatchObject({
      kind: 'choice',
      options: {
        question: 'Which approach should I take?',
        header: 'Approach',
        options: [{ label: 'Integer cents' }, { label: 'Round the total' }],
      },
    });
    expect(result).toEqual({
      behavior: 'allow',
      updatedInput: { ...input, answers: { 'Which approach should I take?': 'Round the total' } },
    });
  });

  it('denies AskUserQuestion when the person dismisses it', async () => {
    const { requester } = person({ choice: () => ({ behavior: 'cancelled', by: byAda }) });
    const input = { questions: [{ question: 'Q?', header: 'H', options: [{ label: 'a' }, { label: 'b' }] }] };
    expect(await tetherCanUseTool(requester, 't')('AskUserQuestion', input, sdkOptions())).toEqual({
      behavior: 'deny',
      message: 'Ada dismissed the question via telegram',
    });
  });

  it('shows ExitPlanMode as a plan approval', async () => {
    const { requester, asked } = person({
      approval: () => ({ behavior: 'deny', reason: 'also add tests', by: byAda }),
    });
    const result = await tetherCanUseTool(requester, 't')(
      'ExitPlanMode',
      { plan: '1. fix\n2. ship' },
      sdkOptions(),
    );
    expect(asked[0]?.options).toMatchObject({ toolName: 'ExitPlanMode', description: '1. fix\n2. ship' });
    expect(result).toEqual({ behavior: 'deny', message: 'also add tests' });
  });
});
