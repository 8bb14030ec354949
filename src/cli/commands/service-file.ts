/**
 * The service definitions `agent-tether serve --print-service` prints so `serve` keeps running: a systemd
 * user unit (Linux) or a launchd agent (macOS).
 * @module
 */
import { homedir } from 'node:os';
import { UsageError } from '../errors.js';

/** The environment variables a service copies from the shell that printed it (when set). */
const KEPT = ['AGENT_TETHER_HOME', 'AGENT_TETHER_CONFIG', 'PATH'] as const;

/**
 * A service definition that runs `<command> serve`.
 * @param kind - `systemd` or `launchd`. @defaultValue launchd on macOS, else systemd
 * @param command - The executable and its leading arguments (node and the CLI script).
 */
export function serviceDefinition(
  kind: string | undefined,
  command: readonly string[],
  env: NodeJS.ProcessEnv,
): string {
  const chosen = kind ?? (process.platform === 'darwin' ? 'launchd' : 'systemd');
  const vars = KEPT.flatMap((name) => (env[name] ? [[name, env[name] as string] as const] : []));
  if (chosen === 'systemd') {
    const quote = (arg: string) =>
      /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
    return [
      '# Save as ~/.config/systemd/user/agent-tether.service, then:',
      '#   systemctl --user daemon-reload && systemctl --user enable --now agent-tether',
      '#   journalctl --user -u agent-tether -f   (its log)',
      '[Unit]',
      'Description=agent-tether serve (supervise AI coding agents from your phone)',
      'After=network-online.target',
      '',
      '[Service]',
      `ExecStart=${[...command, 'serve'].map(quote).join(' ')}`,
      ...vars.map(([name, value]) => `Environment=${quote(`${name}=${value}`)}`),
      'Restart=on-failure',
      'RestartSec=5',
      '',
      '[Install]',
      'WantedBy=default.target',
    ].join('\n');
  }
  if (chosen === 'launchd') {
    const xml = (text: string) =>
      text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const log = `${homedir()}/Library/Logs/agent-tether.log`;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!-- Save as ~/Library/LaunchAgents/dev.agent-tether.serve.plist, then:',
      '     launchctl load ~/Library/LaunchAgents/dev.agent-tether.serve.plist -->',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      '<plist version="1.0">',
      '<dict>',
      '  <key>Label</key><string>dev.agent-tether.serve</string>',
      '  <key>ProgramArguments</key>',
      '  <array>',
      ...[...command, 'serve'].map((arg) => `    <string>${xml(arg)}</string>`),
      '  </array>',
      ...(vars.length > 0
        ? [
            '  <key>EnvironmentVariables</key>',
            '  <dict>',
            ...vars.map(([name, value]) => `    <key>${name}</key><string>${xml(value)}</string>`),
            '  </dict>',
          ]
        : []),
      '  <key>RunAtLoad</key><true/>',
      '  <key>KeepAlive</key><true/>',
      `  <key>StandardOutPath</key><string>${xml(log)}</string>`,
      `  <key>StandardErrorPath</key><string>${xml(log)}</string>`,
      '</dict>',
      '</plist>',
    ].join('\n');
  }
  throw new UsageError(`--print-service ${chosen}: should be systemd or launchd`);
}
