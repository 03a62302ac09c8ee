/* A search box above a select (reporting.widgets.SearchableSelect): typing keeps the options
   whose text (or data-search words) contain what was typed, in their groups; chosen options
   always stay. Options are moved out of the select and back, not hidden, since browsers
   differ on hidden options. One listener for the whole page, so forms added later work too. */
(function () {
  'use strict';

  function snapshot(select) {
    if (!select._searchableGroups) {
      select._searchableGroups = Array.from(select.children).map(function (node) {
        return {
          node: node,
          options: node.tagName === 'OPTGROUP' ? Array.from(node.children) : [node],
        };
      });
    }
    return select._searchableGroups;
  }

  function matches(option, group, words) {
    var text = (option.textContent + ' ' + (option.dataset.search || '') + ' ' +
      (group.node.tagName === 'OPTGROUP' ? group.node.label : '')).toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function filter(select, query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    snapshot(select).forEach(function (group) {
      var kept = 0;
      group.options.forEach(function (option) {
        var keep = !words.length || option.value === '' || option.selected ||
          matches(option, group, words);
        var parent = group.node.tagName === 'OPTGROUP' ? group.node : select;
        if (keep) {
          parent.appendChild(option);
          kept += 1;
        } else if (option.parentNode) {
          option.parentNode.removeChild(option);
        }
      });
      if (group.node.tagName === 'OPTGROUP') {
        if (kept) {
          select.appendChild(group.node);
        } else if (group.node.parentNode) {
          group.node.parentNode.removeChild(group.node);
        }
      }
    });
  }

  // Caught on the way down (capture) and stopped there: the search box is no field of
  // the form, and a listing's filter form would otherwise reload the results at each key.
  document.addEventListener('input', function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('[data-searchable-select-search]')) return;
    event.stopPropagation();
    var select = input.closest('[data-searchable-select]').querySelector('select');
    if (select) filter(select, input.value);
  }, true);
  document.addEventListener('change', function (event) {
    if (event.target.matches && event.target.matches('[data-searchable-select-search]')) {
      event.stopPropagation();
    }
  }, true);
  // Enter in the search box must not submit the form.
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && event.target.matches &&
        event.target.matches('[data-searchable-select-search]')) {
      event.preventDefault();
    }
  });
})();
