// Prettier for Hashmark (issue 13): the style the code already has (single quotes, semicolons, trailing
// commas, parentheses around every arrow parameter), at the 120 columns the project keeps lines to.
/** @type {import('prettier').Config} */
export default {
  printWidth: 120,
  singleQuote: true,
  semi: true,
  trailingComma: 'all',
  arrowParens: 'always',
};
