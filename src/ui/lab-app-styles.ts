// The shell's layout: header, notices, and the three areas (dataset | model over progress) that fold
// into one column below 960 px. Later panels (drop zone, performance, resume) join these areas.
import { css } from 'lit';

export const labAppStyles = css`
  :host {
    max-width: 1440px;
    margin: 0 auto;
    padding: 14px 18px 28px;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: 4px 16px;
    margin-bottom: 12px;
  }
  h1 {
    margin: 0;
    font-size: 20px;
    font-weight: 700;
    letter-spacing: -0.01em;
  }
  .adapter {
    font-size: 12.5px;
  }
  .adapter.failed {
    color: var(--lab-danger);
  }
  notice-list {
    margin-bottom: 12px;
  }
  main {
    display: grid;
    grid-template-columns: minmax(340px, 440px) minmax(0, 1fr);
    grid-template-areas: 'data model' 'data run';
    grid-template-rows: auto 1fr;
    gap: 14px;
    align-items: start;
  }
  .data {
    grid-area: data;
  }
  .model {
    grid-area: model;
  }
  .run {
    grid-area: run;
  }
  .area {
    display: grid;
    gap: 14px;
    min-width: 0;
  }
  run-controls {
    margin-top: 14px;
  }
  @media (max-width: 960px) {
    main {
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas: 'data' 'model' 'run';
      grid-template-rows: none;
    }
  }
`;
