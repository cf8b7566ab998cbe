import '../platform/orm-context.js'; // first, as in main.ts
import 'reflect-metadata';
