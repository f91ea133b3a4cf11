/* The registration form of a hazardous work: show the parameters and declarations its category asks for. */
(function () {
  var select = document.querySelector('select[name=category_code]');
  function sync() {
    var opt = select.options[select.selectedIndex];
    var params = (opt.dataset.params || '').split(' ').filter(Boolean);
    document.querySelectorAll('[data-param]').forEach(function (el) {
      el.hidden = params.indexOf(el.dataset.param) < 0 && !el.querySelector('input').value;
    });
    [['hazardous_declared', opt.dataset.hprose], ['super_scale_declared', opt.dataset.sprose]].forEach(function (p) {
      var el = document.querySelector('[data-declare=' + p[0] + ']');
      el.hidden = !p[1] && !el.querySelector('select').value;
      el.querySelector('.prose').textContent = p[1] ? '（' + p[1] + '）' : '';
    });
    document.getElementById('rule-text').textContent = opt.value
      ? '危大工程条件：' + opt.dataset.hrule + '；超过一定规模条件：' + opt.dataset.srule : '';
  }
  select.addEventListener('change', sync);
  sync();
})();
