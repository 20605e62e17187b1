import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { matchCommand, parsePattern, simpleCommands, type CommandPattern } from '../../../src/core/commandMatch';
import { DEFAULT_CONFIG } from '../../../src/core/config';
import { compileCommandRules, MAX_COMMAND_CHARS } from '../../../src/core/guard';

function pattern(text: string): CommandPattern {
  const p = parsePattern(text);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

const CRITICAL = new Set(['infra', 'infra/main.tf', './infra']);
const matches = (p: string, command: string): boolean => matchCommand([pattern(p)], command, (arg) => CRITICAL.has(arg)) !== undefined;

describe('command rules: shell-word matching', () => {
  describe('simple commands of a command line', () => {
    it('splits at ;, &&, ||, pipes, background, parentheses and line breaks', () => {
      assert.deepEqual(simpleCommands('cd infra && terraform destroy; ls | wc -l & (echo a)\nmake'), [['cd', 'infra'], ['terraform', 'destroy'], ['ls'], ['wc', '-l'], ['echo', 'a'], ['make']]);
    });

    it('keeps quoted words whole and drops comments and redirections', () => {
      assert.deepEqual(simpleCommands('echo "terraform destroy" > out.txt 2>&1 # terraform destroy'), [['echo', 'terraform destroy']]);
    });

    it('sees through assignments, sudo, env, timeout, xargs and a shell -c body', () => {
      assert.deepEqual(simpleCommands('TF_LOG=1 sudo -u ops env -i A=1 timeout 30 terraform destroy'), [['terraform', 'destroy']]);
      assert.deepEqual(simpleCommands("bash -lc 'cd infra && terraform destroy'"), [['cd', 'infra'], ['terraform', 'destroy']]);
      assert.deepEqual(simpleCommands('echo pod | xargs -n 1 kubectl delete pod'), [['echo', 'pod'], ['kubectl', 'delete', 'pod']]);
      assert.deepEqual(simpleCommands('eval "terraform destroy"'), [['terraform', 'destroy']]);
    });

    it('includes command substitutions, which run even inside double quotes', () => {
      const commands = simpleCommands('echo "$(terraform destroy)" `kubectl delete ns x`');
      assert.deepEqual(commands.slice(0, 2), [['terraform', 'destroy'], ['kubectl', 'delete', 'ns', 'x']]);
      assert.equal(commands[2]![0], 'echo');
      assert.ok(simpleCommands("echo '$(terraform destroy)'").every((w) => w[0] === 'echo'), 'single quotes run nothing');
    });
  });

  describe('documented examples', () => {
    const MATCH: [string, string][] = [
      ['terraform destroy', 'terraform destroy'],
      ['terraform destroy', 'terraform -chdir=infra destroy -auto-approve'],
      ['terraform destroy', '/usr/local/bin/terraform destroy'],
      ['terraform destroy', 'cd infra && terraform destroy'],
      ['terraform destroy', "sh -c 'terraform destroy'"],
      ['kubectl delete', 'kubectl --context prod -n api delete deployment web'],
      ['aws * delete-*', 'aws s3api delete-bucket --bucket prod'],
      ['aws * delete-*', 'aws --profile prod rds delete-db-instance --db-instance-identifier main'],
      ['rm -rf @critical', 'rm -rf infra'],
      ['rm -rf @critical', 'rm -r -f infra/main.tf'],
      ['rm -rf @critical', 'rm -fr ./infra'],
      ['git push --force', 'git push --force origin main'],
      ['git push --force', 'git push origin main --force=true'],
      ['git push -f', 'git push -vf origin main'],
      ['git push +*', 'git push origin +main'],
    ];
    const NO_MATCH: [string, string][] = [
      ['terraform destroy', 'echo "terraform destroy"'],
      ['terraform destroy', 'git commit -m "terraform destroy"'],
      ['terraform destroy', 'terraform plan -destroy'],
      ['terraform destroy', 'terraform-docs destroy'],
      ['terraform destroy', 'grep -r terraform destroy.log'],
      ['terraform destroy', "echo '$(terraform destroy)'"],
      ['kubectl delete', 'kubectl get pods # then kubectl delete'],
      ['aws * delete-*', 'aws s3 ls'],
      ['rm -rf @critical', 'rm -rf build'],
      ['rm -rf @critical', 'rm infra/main.tf'],
      ['git push --force', 'git push --force-with-lease'],
      ['git push -f', 'git push origin main'],
    ];
    for (const [p, c] of MATCH) it(`"${p}" matches ${c}`, () => assert.equal(matches(p, c), true));
    for (const [p, c] of NO_MATCH) it(`"${p}" does not match ${c}`, () => assert.equal(matches(p, c), false));
  });

  it('never matches a command whose program is echo, whatever the quoted text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const quoted = `'${text.replace(/'/g, `'\\''`)}'`;
        return !matches('terraform destroy', `echo ${quoted}`);
      }),
    );
  });

  it('always matches the pattern run as a command, with any arguments around its words', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9_.=]{0,8}$/);
    fc.assert(fc.property(fc.array(word, { maxLength: 3 }), fc.array(word, { maxLength: 3 }), (before, after) => matches('terraform destroy', ['terraform', ...before, 'destroy', ...after].join(' '))));
  });
});

describe('command rules: decisions', () => {
  const rules = compileCommandRules({ ...DEFAULT_CONFIG, commands: [{ match: ['terraform destroy'], reason: 'Prod', agents: 'deny' }, { match: ['kubectl delete'], reason: 'Cluster', agents: 'ask' }] });
  const never = (): boolean => false;

  it('takes the strongest rule a command line matches', () => {
    assert.equal(rules.decide('kubectl delete pod a && terraform destroy', never)?.decision, 'deny');
    assert.equal(rules.decide('kubectl delete pod a', never)?.decision, 'ask');
    assert.equal(rules.decide('kubectl get pods', never), undefined);
  });

  it('asks the person about a command too long to check, instead of letting it through', () => {
    const long = `echo ${'x'.repeat(MAX_COMMAND_CHARS)}`;
    const d = rules.decide(long, never);
    assert.equal(d?.decision, 'ask');
    assert.match(d!.reason, /characters long, more than the 262144 the command rules check/);
  });
});
