import { raceSurvivesAKilledActor, remoteRuntimeTests } from './race-helpers.js';

describe('08 penguin race: the processes runtime (child processes over IPC)', function () {
  this.timeout(20_000);

  remoteRuntimeTests('processes', 2);

  it('a child killed mid-race is noticed: its penguin is retired and the race goes on', async () => {
    await raceSurvivesAKilledActor('processes');
  });
});
