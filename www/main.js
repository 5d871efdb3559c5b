// Wires the page: one App (./app/app.js: the config, the run and the one client of the training
// worker) and the views around it (./app/page.js).
import { App } from './app/app.js';
import { wirePage } from './app/page.js';

const app = new App();
window.mlpLab = app; // handy from the console (the e2e test reads only its config)

wirePage(app).catch((e) => {
  console.error(e);
  const engine = document.querySelector('[data-testid=engine-status]');
  if (engine) {
    engine.textContent = `The page failed to start: ${e.message}`;
    engine.className = 'engine bad';
  }
});
