/**
 * One formatter for the whole repository (issue 13): `npm run format` writes, `npm run format:check`
 * (in .ci/run) fails on anything unformatted. Class lists are ordered as Tailwind orders them.
 * @type {import("prettier").Config}
 */
const config = {
  printWidth: 120,
  plugins: ["prettier-plugin-tailwindcss"],
  tailwindStylesheet: "./app/globals.css",
  tailwindFunctions: ["cn"],
};

export default config;
