/**
 * What notebooks use to show things: charts as PNG images, HTML, live displays
 * that update one output in place (`import { showChart } from 'course-kit/notebook'`).
 */
export { renderChartPng, saveChartPng, type ChartSize } from './charts.js';
export { show, showChart, LiveDisplay, animate, type AnimateOptions, type DisplayContent, type LiveDisplayOptions } from './display.js';
export { htmlTable, showTable } from './table.js';
